/**
 * What kind of network an IP address belongs to, for deciding where a webhook may point:
 *
 * - `public`: the internet.
 * - `private`: this machine or the owner's own network (loopback, RFC 1918, CGNAT, unique local
 *   IPv6, benchmarking): allowed only for a webhook marked as being on the owner's network.
 * - `forbidden`: never — link-local and cloud metadata services (169.254.0.0/16, fe80::/10,
 *   fd00:ec2::254, 100.100.100.200), unspecified (0.0.0.0/8, ::), multicast, broadcast and reserved.
 *
 * Pure ECMAScript: used by the UI, the contract and the sender alike.
 */
export type AddressClass = 'public' | 'private' | 'forbidden';

/** Four octets of a dotted-decimal IPv4 address written canonically (no leading zeros), or null. */
export function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const octets: number[] = [];
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    octets.push(n);
  }
  return octets;
}

/** Eight 16-bit groups of an IPv6 address (no brackets, no zone), or null. Accepts a trailing dotted IPv4. */
export function parseIpv6(text: string): number[] | null {
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || text.length > 45) return null;
  let tail: number[] = [];
  let head = text;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    const v4 = parseIpv4(text.slice(lastColon + 1));
    if (!v4) return null;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
    // Keep a '::' that ends right before the IPv4 part; drop a single separating ':'.
    head = text.slice(0, lastColon + 1);
    if (!head.endsWith('::')) head = head.slice(0, -1);
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string): number[] | null => {
    if (s === '') return [];
    const out: number[] = [];
    for (const g of s.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (!left || !right) return null;
  const given = left.length + right.length + tail.length;
  if (halves.length === 1) return given === 8 ? [...left, ...tail] : null;
  if (given > 7) return null;
  return [...left, ...new Array<number>(8 - given).fill(0), ...right, ...tail];
}

const inV4 = (o: number[], base: [number, number, number, number], bits: number): boolean => {
  const value = ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
  const net = ((base[0] << 24) | (base[1] << 16) | (base[2] << 8) | base[3]) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (value & mask) >>> 0 === (net & mask) >>> 0;
};

export function classifyIpv4(o: number[]): AddressClass {
  const forbidden: Array<[[number, number, number, number], number]> = [
    [[0, 0, 0, 0], 8], // "this network", 0.0.0.0 included
    [[169, 254, 0, 0], 16], // link-local: cloud metadata (169.254.169.254)
    [[100, 100, 100, 200], 32], // Alibaba Cloud metadata
    [[168, 63, 129, 16], 32], // Azure's platform endpoint (WireServer)
    [[192, 0, 0, 0], 24], // IETF protocol assignments
    [[224, 0, 0, 0], 4], // multicast
    [[240, 0, 0, 0], 4], // reserved, and the broadcast address
  ];
  if (forbidden.some(([base, bits]) => inV4(o, base, bits))) return 'forbidden';
  const own: Array<[[number, number, number, number], number]> = [
    [[127, 0, 0, 0], 8],
    [[10, 0, 0, 0], 8],
    [[172, 16, 0, 0], 12],
    [[192, 168, 0, 0], 16],
    [[100, 64, 0, 0], 10], // carrier-grade NAT (also Tailscale)
    [[198, 18, 0, 0], 15], // benchmarking
  ];
  if (own.some(([base, bits]) => inV4(o, base, bits))) return 'private';
  return 'public';
}

export function classifyIpv6(g: number[]): AddressClass {
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0);
  const embedded = (from: number) => [g[from]! >> 8, g[from]! & 0xff, g[from + 1]! >> 8, g[from + 1]! & 0xff];
  if (zeroTo(8)) return 'forbidden'; // ::
  if (zeroTo(7) && g[7] === 1) return 'private'; // ::1
  if (zeroTo(5) && g[5] === 0xffff) return classifyIpv4(embedded(6)); // IPv4-mapped
  if (zeroTo(4) && g[4] === 0xffff && g[5] === 0) return classifyIpv4(embedded(6)); // IPv4-translated (::ffff:0:a.b.c.d)
  if (zeroTo(6)) return 'forbidden'; // IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'forbidden'; // local-use NAT64 (64:ff9b:1::/48): where the IPv4 sits depends on the network
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return classifyIpv4(embedded(6)); // NAT64
  if (g[0] === 0x2002) return classifyIpv4(embedded(1)); // 6to4
  if (g[0] === 0xfd00 && g[1] === 0x0ec2 && g.slice(2, 7).every((x) => x === 0) && g[7] === 0x254) return 'forbidden'; // AWS metadata
  if ((g[0]! & 0xffc0) === 0xfe80) return 'forbidden'; // link-local
  if ((g[0]! & 0xff00) === 0xff00) return 'forbidden'; // multicast
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((g[0]! & 0xfe00) === 0xfc00) return 'private'; // unique local
  return 'public';
}

/** The class of an IP address written as text (IPv6 with or without brackets), or null when it is not one. */
export function classifyIpAddress(text: string): AddressClass | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const v4 = parseIpv4(bare);
  if (v4) return classifyIpv4(v4);
  const v6 = parseIpv6(bare);
  return v6 ? classifyIpv6(v6) : null;
}
