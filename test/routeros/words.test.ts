import {describe, expect, it} from 'vitest';
import {buildCommand, parseReply} from '../../source/routeros/sentences.js';
import {decodeLength, encodeLength, encodeSentence, RouterOsProtocolError, SentenceDecoder} from '../../source/routeros/words.js';

/** Deterministic PRNG (mulberry32) so fuzz failures reproduce. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d_2b_79_f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 0x1_00_00_00_00;
	};
}

function bytes(...values: number[]): Buffer {
	return Buffer.from(values);
}

function expectProtocolError(action: () => unknown, message?: RegExp): void {
	let caught: unknown;
	try {
		action();
	} catch (error) {
		caught = error;
	}

	expect(caught).toBeInstanceOf(RouterOsProtocolError);
	if (message) {
		expect((caught as Error).message).toMatch(message);
	}
}

describe('encodeLength / decodeLength', () => {
	// API doc, "API words": 1 byte < 0x80, 2 bytes | 0x8000, 3 bytes | 0xC00000, 4 bytes | 0xE0000000, 0xF0 + 4 bytes.
	const boundaries: Array<[number, number[]]> = [
		[0, [0x00]],
		[1, [0x01]],
		[0x7f, [0x7f]],
		[0x80, [0x80, 0x80]],
		[0x3fff, [0xbf, 0xff]],
		[0x4000, [0xc0, 0x40, 0x00]],
		[0x1f_ffff, [0xdf, 0xff, 0xff]],
		[0x20_0000, [0xe0, 0x20, 0x00, 0x00]],
		[0xfff_ffff, [0xef, 0xff, 0xff, 0xff]],
		[0x1000_0000, [0xf0, 0x10, 0x00, 0x00, 0x00]],
		[0xffff_ffff, [0xf0, 0xff, 0xff, 0xff, 0xff]],
	];

	it.each(boundaries)('encodes %i as the documented bytes and decodes it back', (length, expected) => {
		const encoded = encodeLength(length);
		expect([...encoded]).toEqual(expected);
		expect(decodeLength(encoded)).toEqual({length, size: expected.length});
	});

	it('round-trips lengths around every boundary', () => {
		for (const boundary of [0x80, 0x4000, 0x20_0000, 0x1000_0000]) {
			for (const length of [boundary - 2, boundary - 1, boundary, boundary + 1]) {
				expect(decodeLength(encodeLength(length))?.length).toBe(length);
			}
		}
	});

	it('decodes at an offset and reports an incomplete prefix as undefined', () => {
		expect(decodeLength(bytes(0xaa, 0x81, 0x00), 1)).toEqual({length: 0x100, size: 2});
		expect(decodeLength(bytes())).toBeUndefined();
		expect(decodeLength(bytes(0xc0, 0x40))).toBeUndefined();
		expect(decodeLength(bytes(0xf0, 0x10, 0x00, 0x00))).toBeUndefined();
	});

	it('rejects reserved control bytes and undefined first bytes', () => {
		for (let byte = 0xf1; byte <= 0xff; byte += 1) {
			expectProtocolError(() => decodeLength(bytes(byte, 0, 0, 0, 0)), byte >= 0xf8 ? /reserved/ : /invalid/);
		}
	});

	it('refuses lengths it cannot encode', () => {
		for (const length of [-1, 1.5, Number.NaN, 0x1_0000_0000]) {
			expect(() => encodeLength(length)).toThrow(RangeError);
		}
	});
});

describe('encodeSentence', () => {
	it('encodes the login sentence to the expected bytes', () => {
		const encoded = encodeSentence(['/login', '=name=admin', '=password=x']);
		expect(encoded).toEqual(
			Buffer.concat([
				bytes(6),
				Buffer.from('/login'),
				bytes(11),
				Buffer.from('=name=admin'),
				bytes(11),
				Buffer.from('=password=x'),
				bytes(0),
			]),
		);
		expect(encoded.toString('hex')).toBe('062f6c6f67696e0b3d6e616d653d61646d696e0b3d70617373776f72643d7800');
	});

	it('length-prefixes the UTF-8 byte count, not the character count', () => {
		const encoded = encodeSentence(['=comment=café']);
		expect(encoded[0]).toBe(Buffer.byteLength('=comment=café'));
		expect(encoded[0]).toBe(14);
	});

	it('uses a multi-byte prefix for long words', () => {
		const word = `=comment=${'x'.repeat(200)}`;
		const encoded = encodeSentence(['/x', word]);
		expect([...encoded.subarray(3, 5)]).toEqual([0x80, word.length]);
		expect(encoded.length).toBe(3 + 2 + word.length + 1);
	});

	it('refuses an empty word, which would end the sentence early', () => {
		expect(() => encodeSentence(['/ppp/active/print', ''])).toThrow(RangeError);
	});
});

describe('SentenceDecoder', () => {
	const sentence = ['!re', '=.id=*1A', '=name=alice', '=comment=' + 'é'.repeat(100), '.tag=7'];

	it('decodes one sentence from one chunk', () => {
		expect(new SentenceDecoder().push(encodeSentence(sentence))).toEqual([sentence]);
	});

	it('decodes identically when the sentence is split at every byte offset', () => {
		const encoded = encodeSentence(sentence);
		for (let split = 0; split <= encoded.length; split += 1) {
			const decoder = new SentenceDecoder();
			const first = decoder.push(encoded.subarray(0, split));
			const second = decoder.push(encoded.subarray(split));
			expect([...first, ...second]).toEqual([sentence]);
			expect(decoder.hasPartialSentence).toBe(false);
		}
	});

	it('keeps a length prefix split across chunks', () => {
		const word = `=comment=${'y'.repeat(0x4000)}`;
		const encoded = encodeSentence(['!re', word]);
		// '!re' takes 4 bytes; the word's 3-byte prefix starts at offset 4.
		expect([...encoded.subarray(4, 7)]).toEqual([0xc0, 0x40, 0x09]);
		const decoder = new SentenceDecoder();
		expect(decoder.push(encoded.subarray(0, 5))).toEqual([]);
		expect(decoder.push(encoded.subarray(5, 6))).toEqual([]);
		expect(decoder.hasPartialSentence).toBe(true);
		expect(decoder.push(encoded.subarray(6))).toEqual([['!re', word]]);
	});

	it('decodes when fed one byte at a time', () => {
		const encoded = Buffer.concat([encodeSentence(sentence), encodeSentence(['!done', '.tag=7'])]);
		const decoder = new SentenceDecoder();
		const received: string[][] = [];
		for (const byte of encoded) {
			received.push(...decoder.push(bytes(byte)));
		}

		expect(received).toEqual([sentence, ['!done', '.tag=7']]);
	});

	it('returns several sentences from one chunk, in order, and keeps the tail', () => {
		const replies = [['!re', '=.id=*1', '=name=alice'], ['!re', '=.id=*2', '=name=bob'], ['!empty'], ['!done']];
		const encoded = Buffer.concat(replies.map((words) => encodeSentence(words)));
		const decoder = new SentenceDecoder();
		expect(decoder.push(encoded.subarray(0, encoded.length - 3))).toEqual(replies.slice(0, 3));
		expect(decoder.push(encoded.subarray(encoded.length - 3))).toEqual([['!done']]);
	});

	it('skips empty sentences', () => {
		expect(new SentenceDecoder().push(bytes(0, 0, ...encodeSentence(['!done']), 0))).toEqual([['!done']]);
	});

	it('does not throw on invalid UTF-8 from the router', () => {
		const encoded = Buffer.concat([bytes(3), Buffer.from('!re'), bytes(9), Buffer.from('=name='), bytes(0xff, 0xc3, 0x28), bytes(0)]);
		const [decoded] = new SentenceDecoder().push(encoded);
		expect(decoded?.[0]).toBe('!re');
		expect(decoded?.[1]?.startsWith('=name=')).toBe(true);
		expect(decoded?.[1]).toContain('\uFFFD');
	});

	it('rejects a reserved control byte', () => {
		const decoder = new SentenceDecoder();
		expectProtocolError(() => decoder.push(bytes(...encodeSentence(['!done']), 0xf8)), /reserved.*0xF8/);
	});

	it('rejects an oversized word as soon as its length prefix arrives', () => {
		const decoder = new SentenceDecoder();
		expectProtocolError(() => decoder.push(bytes(0xf0, 0x7f, 0xff, 0xff, 0xff)), /exceeds the limit of 16777216 bytes/);
	});

	it('honours a configured max word size', () => {
		const decoder = new SentenceDecoder({maxWordBytes: 10});
		expect(decoder.push(encodeSentence(['!re', '=a=1234567']))).toEqual([['!re', '=a=1234567']]);
		expectProtocolError(() => decoder.push(encodeSentence(['!re', '=a=12345678'])), /11 bytes exceeds the limit of 10/);
	});

	it('rejects a sentence with too many words', () => {
		const decoder = new SentenceDecoder({maxWordsPerSentence: 3});
		expect(decoder.push(encodeSentence(['!re', '=a=1', '=b=2']))).toHaveLength(1);
		expectProtocolError(() => decoder.push(encodeSentence(['!re', '=a=1', '=b=2', '=c=3'])), /more than 3 words/);
	});

	it('rejects a sentence over the byte limit', () => {
		const decoder = new SentenceDecoder({maxSentenceBytes: 8});
		expectProtocolError(() => decoder.push(encodeSentence(['!re', '=a=1', '=b=2'])), /exceeds the limit of 8 bytes/);
	});

	it('stays failed after an error', () => {
		const decoder = new SentenceDecoder();
		expectProtocolError(() => decoder.push(bytes(0xff)));
		expectProtocolError(() => decoder.push(encodeSentence(['!done'])), /reserved/);
	});

	it('refuses nonsensical limits', () => {
		expect(() => new SentenceDecoder({maxWordBytes: 0})).toThrow(RangeError);
		expect(() => new SentenceDecoder({maxWordsPerSentence: 1.5})).toThrow(RangeError);
	});

	it('throws nothing but RouterOsProtocolError on random input', () => {
		const next = random(0x5eed);
		for (let run = 0; run < 500; run += 1) {
			const decoder = new SentenceDecoder({maxWordBytes: 4096, maxWordsPerSentence: 64});
			try {
				for (let chunk = 0; chunk < 8; chunk += 1) {
					const data = Buffer.alloc(Math.floor(next() * 64));
					for (let index = 0; index < data.length; index += 1) {
						data[index] = Math.floor(next() * 256);
					}

					for (const words of decoder.push(data)) {
						try {
							parseReply(words);
						} catch (error) {
							expect(error).toBeInstanceOf(RouterOsProtocolError);
						}
					}
				}
			} catch (error) {
				expect(error).toBeInstanceOf(RouterOsProtocolError);
			}
		}
	});
});

describe('parseReply', () => {
	it('parses !re with attributes, including = inside values and empty values', () => {
		const reply = parseReply(['!re', '=.id=*1A', '=name=alice', '=comment=a=b==c', '=caller-id=', '.tag=12']);
		expect(reply).toEqual({
			type: 're',
			tag: '12',
			attributes: {'.id': '*1A', name: 'alice', comment: 'a=b==c', 'caller-id': ''},
		});
	});

	it('omits tag when the sentence has none', () => {
		const reply = parseReply(['!re', '=name=bob']);
		expect(reply).toEqual({type: 're', attributes: {name: 'bob'}});
		expect('tag' in reply).toBe(false);
	});

	it('parses !done with =ret=', () => {
		expect(parseReply(['!done', '=ret=*2F', '.tag=3'])).toEqual({type: 'done', tag: '3', attributes: {ret: '*2F'}});
		expect(parseReply(['!done'])).toEqual({type: 'done', attributes: {}});
	});

	it('parses !trap with category and message', () => {
		expect(parseReply(['!trap', '=category=1', '=message=input does not match any value of interface', '.tag=4'])).toEqual({
			type: 'trap',
			tag: '4',
			category: 1,
			message: 'input does not match any value of interface',
			attributes: {category: '1', message: 'input does not match any value of interface'},
		});
	});

	it('parses !trap without a category', () => {
		const reply = parseReply(['!trap', '=message=no such item']);
		expect(reply).toEqual({type: 'trap', message: 'no such item', attributes: {message: 'no such item'}});
	});

	it('parses !fatal with its plain reason word', () => {
		expect(parseReply(['!fatal', 'session terminated on request'])).toEqual({
			type: 'fatal',
			message: 'session terminated on request',
		});
		expect(parseReply(['!fatal', 'not logged in'])).toEqual({type: 'fatal', message: 'not logged in'});
		expect(parseReply(['!fatal'])).toEqual({type: 'fatal', message: ''});
	});

	it('parses !empty (RouterOS 7.18+) with and without a tag', () => {
		expect(parseReply(['!empty'])).toEqual({type: 'empty'});
		expect(parseReply(['!empty', '.tag=5'])).toEqual({type: 'empty', tag: '5'});
	});

	it('keeps hostile attribute names as plain data', () => {
		const reply = parseReply(['!re', '=__proto__=x', '=constructor=y', '=toString=z']);
		expect(reply.type).toBe('re');
		if (reply.type === 're') {
			expect(Object.getPrototypeOf(reply.attributes)).toBeNull();
			expect(reply.attributes['__proto__']).toBe('x');
			expect(reply.attributes['constructor']).toBe('y');
			expect(reply.attributes['toString']).toBe('z');
		}
	});

	it('rejects an unknown reply word and an empty sentence', () => {
		expectProtocolError(() => parseReply(['!nope']), /unknown RouterOS API reply word "!nope"/);
		expectProtocolError(() => parseReply(['=name=alice']), /unknown/);
		expectProtocolError(() => parseReply([]), /empty/);
	});

	it('parses what the decoder produces from the wire', () => {
		const wire = Buffer.concat([
			encodeSentence(['!re', '=.id=*80000001', '=name=alice', '=service=pppoe', '=address=100.64.0.10', '.tag=1']),
			encodeSentence(['!done', '.tag=1']),
		]);
		const replies = new SentenceDecoder().push(wire).map((words) => parseReply(words));
		expect(replies.map((reply) => reply.type)).toEqual(['re', 'done']);
		expect(replies[0]).toMatchObject({tag: '1', attributes: {'.id': '*80000001', address: '100.64.0.10'}});
	});
});

describe('buildCommand', () => {
	it('passes queries through', () => {
		expect(buildCommand('/ppp/active/print', undefined, ['?name=alice'])).toEqual(['/ppp/active/print', '?name=alice']);
	});

	it('turns attributes into =name=value words and the tag into .tag=', () => {
		expect(buildCommand('/ppp/active/remove', {'.id': '*1A'}, undefined, '9')).toEqual(['/ppp/active/remove', '=.id=*1A', '.tag=9']);
		expect(buildCommand('/login', {name: 'admin', password: 'p=ss'})).toEqual(['/login', '=name=admin', '=password=p=ss']);
	});

	it('orders command, attributes, queries, tag', () => {
		expect(buildCommand('/ip/hotspot/active/print', {'.proplist': '.id,user,address'}, ['?address=10.5.50.7'], 'a')).toEqual([
			'/ip/hotspot/active/print',
			'=.proplist=.id,user,address',
			'?address=10.5.50.7',
			'.tag=a',
		]);
	});

	it('builds a sentence that encodes and decodes back', () => {
		const words = buildCommand('/ppp/active/print', {'.proplist': '.id,name'}, ['?caller-id=AA:BB:CC:DD:EE:FF'], '2');
		expect(new SentenceDecoder().push(encodeSentence(words))).toEqual([words]);
	});

	it('rejects invalid input with a clear error', () => {
		expect(() => buildCommand('/x', {'a=b': '1'})).toThrow(/attribute name must be non-empty without '='/);
		expect(() => buildCommand('/x', {'': '1'})).toThrow(RangeError);
		expect(() => buildCommand('ppp/active/print')).toThrow(/must start with '\/'/);
		expect(() => buildCommand('/x', undefined, ['name=alice'])).toThrow(/query word must start with '\?'/);
		expect(() => buildCommand('/x', undefined, undefined, '')).toThrow(/tag must not be empty/);
	});
});
