// Bridges DKV.Serializers.Tests to the reference MessagePack implementation (@msgpack/msgpack).
// Usage: node msgpack-interop.mjs decode|encode  (JSON array on stdin, JSON array on stdout)
//   decode: stdin ["<hex>", ...]         -> [{"entries": [[key, tagged], ...]} | {"error": "..."}, ...]
//   encode: stdin [[[key, tagged], ...]] -> ["<hex>", ...]
// A tagged value is {"int": "<decimal>"} | {"uint64": "<decimal>"} (forced 64-bit) | {"str": s} | {"bin": "<base64>"}
// | {"bool": b} | {"nil": true} | {"float": n} | {"array": [tagged...]} | {"map": [[key, tagged], ...]}.
import { decode, encode } from "@msgpack/msgpack";

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
};

const describe = (value) => {
  if (value === null || value === undefined) return { nil: true };
  if (typeof value === "bigint") return { int: value.toString() };
  if (typeof value === "number") return Number.isInteger(value) ? { int: value.toString() } : { float: value };
  if (typeof value === "string") return { str: value };
  if (typeof value === "boolean") return { bool: value };
  if (value instanceof Uint8Array) return { bin: Buffer.from(value).toString("base64") };
  if (Array.isArray(value)) return { array: value.map(describe) };
  if (value instanceof Map) return { map: [...value.entries()].map(([k, v]) => [String(k), describe(v)]) };
  if (typeof value === "object") return { map: Object.entries(value).map(([k, v]) => [k, describe(v)]) };
  throw new Error(`cannot describe ${typeof value}`);
};

const build = (tagged) => {
  if ("nil" in tagged) return null;
  if ("int" in tagged) {
    const big = BigInt(tagged.int);
    // Within 32 bits a Number gets the smallest int encoding; beyond that, with useBigInt64, the encoder would write a Number
    // as float64, so a BigInt (written as uint64/int64) keeps it an integer.
    return big <= 0xffffffffn && big >= -0x80000000n ? Number(big) : big;
  }
  if ("uint64" in tagged) return BigInt(tagged.uint64);
  if ("str" in tagged) return tagged.str;
  if ("bin" in tagged) return new Uint8Array(Buffer.from(tagged.bin, "base64"));
  if ("bool" in tagged) return tagged.bool;
  if ("float" in tagged) return tagged.float;
  if ("array" in tagged) return tagged.array.map(build);
  if ("map" in tagged) return buildMap(tagged.map);
  throw new Error(`unknown tagged value ${JSON.stringify(tagged)}`);
};

const buildMap = (entries) => {
  const object = {};
  for (const [key, tagged] of entries) object[key] = build(tagged);
  return object;
};

const mode = process.argv[2];
const input = await readStdin();
let output;
if (mode === "decode") {
  output = input.map((hex) => {
    try {
      const value = decode(Buffer.from(hex, "hex"), { useBigInt64: true });
      const described = describe(value);
      return "map" in described ? { entries: described.map } : { error: `not a map: ${JSON.stringify(described)}` };
    } catch (error) {
      return { error: String(error) };
    }
  });
} else if (mode === "encode") {
  output = input.map((entries) => Buffer.from(encode(buildMap(entries), { useBigInt64: true })).toString("hex"));
} else {
  console.error(`unknown mode '${mode}'; use decode or encode`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(output));
