/** The baseline's own keys, apart from the fabric's. */
export const RAW_STREAM = 'bench:raw:audio';
export const RAW_GROUP = 'bench_raw_workers';
export const RAW_RESULTS = 'bench:raw:results';
