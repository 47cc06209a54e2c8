// Imported first by the benchmark: the transport logs through pino, and a log line per start and
// stop (or per entry at debug) would be measured as transport cost. The root logger reads
// LOG_LEVEL on first use, so setting it before anything else is imported is enough.
process.env['LOG_LEVEL'] = 'silent';
