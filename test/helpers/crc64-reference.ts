/**
 * CRC-64/XZ ("CRC64 ECMA-182" to Alibaba), computed bit by bit as the catalogue defines it, independently of
 * Strata's table-driven WebAssembly one: tests compare what Strata and the clients report against this.
 */
export function crc64Reference(bytes: Uint8Array): string {
  let crc = 0xffffffffffffffffn;
  for (const byte of bytes) {
    crc ^= BigInt(byte);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ 0xc96c5795d7870f42n : crc >> 1n;
  }
  return (crc ^ 0xffffffffffffffffn).toString();
}
