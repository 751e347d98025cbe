// The stream sequence of a JetStream message, read from its reply subject without building the
// whole delivery info (the client's `info` splits the subject and parses every field: about 1 µs a
// message, most of the cost of taking one). Both layouts the server sends (ADR-15):
//   $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ts>.<pending>
//   $JS.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<ts>.<pending>[.<token>]

/** The stream sequence in `reply`, or undefined when it is not a JetStream ack subject. */
export function streamSequence(reply: unknown): number | undefined {
  if (typeof reply !== 'string' || !reply.startsWith('$JS.ACK.')) return undefined;
  let tokens = 1;
  for (let i = reply.indexOf('.'); i !== -1; i = reply.indexOf('.', i + 1)) tokens++;
  // The stream sequence is the 6th token of the old layout and the 8th of the new one.
  const index = tokens === 9 ? 5 : tokens >= 11 ? 7 : -1;
  if (index < 0) return undefined;
  let start = 0;
  for (let k = 0; k < index; k++) start = reply.indexOf('.', start) + 1;
  const text = reply.slice(start, reply.indexOf('.', start));
  const seq = Number(text);
  return text.length > 0 && Number.isSafeInteger(seq) ? seq : undefined;
}
