/** A stream entry as the transport hands it to a handler: fields stay Buffers (binary audio). */
export interface StreamEntry {
  stream: string;
  id: string;
  fields: Map<string, Buffer>;
}
