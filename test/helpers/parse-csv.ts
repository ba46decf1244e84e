/**
 * A strict RFC 4180 parser, independent of the code under test: records end with CRLF, fields are either bare
 * (no quote, comma, CR or LF) or quoted with doubled quotes inside. Throws on anything else.
 */
export function parseCsv(text: string): string[][] {
	const records: string[][] = [];
	let index = 0;
	while (index < text.length) {
		const record: string[] = [];
		for (;;) {
			let field = '';
			if (text[index] === '"') {
				index += 1;
				for (;;) {
					if (index >= text.length) throw new Error('unterminated quoted field');
					const next = text.indexOf('"', index);
					if (next < 0) throw new Error('unterminated quoted field');
					field += text.slice(index, next);
					if (text[next + 1] === '"') {
						field += '"';
						index = next + 2;
						continue;
					}
					index = next + 1;
					break;
				}
			} else {
				let end = index;
				while (end < text.length && text[end] !== ',' && text[end] !== '\r' && text[end] !== '\n') {
					if (text[end] === '"') throw new Error(`bare quote at ${end}`);
					end += 1;
				}
				field = text.slice(index, end);
				index = end;
			}
			record.push(field);
			if (text[index] === ',') {
				index += 1;
				continue;
			}
			if (text.startsWith('\r\n', index)) {
				index += 2;
				break;
			}
			throw new Error(`expected , or CRLF at ${index}, got ${JSON.stringify(text.slice(index, index + 5))}`);
		}
		records.push(record);
	}
	return records;
}
