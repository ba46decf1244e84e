// node-postgres's helpers module ships without types; the benchmarks use these three.
declare module 'pg/lib/utils.js' {
	const utils: {
		prepareValue(value: unknown): unknown;
		escapeIdentifier(name: string): string;
		escapeLiteral(text: string): string;
	};
	export default utils;
}
