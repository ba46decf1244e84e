/**
 * Pure codec for the MikroTik RouterOS API wire format (TCP 8728, TLS 8729): length-prefixed words grouped
 * into sentences that end with a zero-length word. No sockets here; the client feeds received chunks to a
 * {@link SentenceDecoder} and writes what {@link encodeSentence} returns.
 *
 * Reference: MikroTik RouterOS manual, "API" (help.mikrotik.com), sections "API words" and "API sentences".
 * What a sentence means (replies, commands) is sentences.ts's.
 */

/** Thrown for anything malformed or over a limit in data that came from the router. */
export class RouterOsProtocolError extends Error {
	override readonly name = 'RouterOsProtocolError';
}

/** The largest word length the encoding can express (the 5-byte form carries a 32-bit length). */
export const MAX_WORD_LENGTH = 0xff_ff_ff_ff;

/** Default {@link SentenceDecoderOptions.maxWordBytes}: 16 MiB. */
export const DEFAULT_MAX_WORD_BYTES = 16 * 1024 * 1024;
/** Default {@link SentenceDecoderOptions.maxWordsPerSentence}. */
export const DEFAULT_MAX_WORDS_PER_SENTENCE = 4096;
/** Default {@link SentenceDecoderOptions.maxSentenceBytes}: 64 MiB. */
export const DEFAULT_MAX_SENTENCE_BYTES = 64 * 1024 * 1024;

/**
 * Encodes a word length as the RouterOS API prefix: 1 to 5 bytes, big-endian.
 *
 * @throws RangeError when `length` is not an integer in 0..{@link MAX_WORD_LENGTH}.
 */
export function encodeLength(length: number): Buffer {
	if (!Number.isInteger(length) || length < 0 || length > MAX_WORD_LENGTH) {
		throw new RangeError(`RouterOS word length must be an integer from 0 to ${MAX_WORD_LENGTH}, got ${length}`);
	}

	// API doc, "API words": the high bits of the first byte say how many bytes follow.
	if (length < 0x80) {
		return Buffer.from([length]);
	}

	if (length < 0x40_00) {
		const buffer = Buffer.alloc(2);
		buffer.writeUInt16BE(0x80_00 + length);
		return buffer;
	}

	if (length < 0x20_00_00) {
		const buffer = Buffer.alloc(3);
		buffer.writeUIntBE(0xc0_00_00 + length, 0, 3);
		return buffer;
	}

	if (length < 0x10_00_00_00) {
		const buffer = Buffer.alloc(4);
		buffer.writeUInt32BE(0xe0_00_00_00 + length);
		return buffer;
	}

	const buffer = Buffer.alloc(5);
	buffer[0] = 0xf0;
	buffer.writeUInt32BE(length, 1);
	return buffer;
}

/**
 * How many bytes a length prefix takes, judged from its first byte.
 *
 * @throws RouterOsProtocolError for a reserved control byte (0xF8 and above) or an undefined 0xF1..0xF7 byte.
 */
export function lengthPrefixSize(firstByte: number): 1 | 2 | 3 | 4 | 5 {
	if ((firstByte & 0x80) === 0x00) {
		return 1;
	}

	if ((firstByte & 0xc0) === 0x80) {
		return 2;
	}

	if ((firstByte & 0xe0) === 0xc0) {
		return 3;
	}

	if ((firstByte & 0xf0) === 0xe0) {
		return 4;
	}

	if (firstByte === 0xf0) {
		return 5;
	}

	// API doc: "If the first byte of the length is >= 0xF8, then it is a reserved control byte"; no control
	// bytes are defined, so a client cannot know how to continue. 0xF1..0xF7 is no length form at all.
	if (firstByte >= 0xf8) {
		throw new RouterOsProtocolError(`reserved RouterOS API control byte 0x${hex(firstByte)} in the stream`);
	}

	throw new RouterOsProtocolError(`invalid RouterOS API length prefix byte 0x${hex(firstByte)}`);
}

/** A decoded length prefix: the word length and how many bytes the prefix itself took. */
export interface DecodedLength {
	readonly length: number;
	readonly size: number;
}

/**
 * Decodes the length prefix at `offset`.
 *
 * @returns the length and the prefix size, or `undefined` when `buffer` ends before the prefix does.
 * @throws RouterOsProtocolError for a reserved control byte or an invalid first byte.
 */
export function decodeLength(buffer: Uint8Array, offset = 0): DecodedLength | undefined {
	const first = buffer[offset];
	if (first === undefined) {
		return undefined;
	}

	const size = lengthPrefixSize(first);
	if (buffer.length - offset < size) {
		return undefined;
	}

	return {length: readLength(buffer, offset, size), size};
}

/**
 * Encodes a sentence: each word UTF-8 encoded with its length prefix, then the terminating zero-length word.
 *
 * @throws RangeError for an empty word, which would end the sentence early on the wire.
 */
export function encodeSentence(words: readonly string[]): Buffer {
	const parts: Buffer[] = [];
	for (const [index, word] of words.entries()) {
		if (word.length === 0) {
			throw new RangeError(`RouterOS sentence word ${index} is empty; an empty word ends a sentence`);
		}

		const bytes = Buffer.from(word, 'utf8');
		parts.push(encodeLength(bytes.length), bytes);
	}

	parts.push(Buffer.from([0x00]));
	return Buffer.concat(parts);
}

/** Limits that keep a hostile or broken peer from making the decoder buffer without bound. */
export interface SentenceDecoderOptions {
	/** Largest accepted word, in bytes (default 16 MiB). Checked as soon as the length prefix arrives. */
	readonly maxWordBytes?: number;
	/** Most words accepted in one sentence (default 4096). */
	readonly maxWordsPerSentence?: number;
	/** Most word bytes accepted in one sentence, all words together (default 64 MiB). */
	readonly maxSentenceBytes?: number;
}

/**
 * Streaming decoder for sentences received from a router. Feed it every chunk read from the socket, in
 * order; it keeps partial words and partial length prefixes between chunks.
 *
 * After it throws, the stream position is lost: every later {@link push} throws the same error, and the
 * connection has to be closed.
 */
export class SentenceDecoder {
	private maxWordBytes = DEFAULT_MAX_WORD_BYTES;
	private maxWordsPerSentence = DEFAULT_MAX_WORDS_PER_SENTENCE;
	private maxSentenceBytes = DEFAULT_MAX_SENTENCE_BYTES;
	private readonly prefix = Buffer.alloc(5);
	private prefixFilled = 0;
	private word: Buffer | undefined;
	private wordFilled = 0;
	private words: string[] = [];
	private sentenceBytes = 0;
	private failure: RouterOsProtocolError | undefined;

	constructor(options: SentenceDecoderOptions = {}) {
		this.setLimits(options);
	}

	/**
	 * Changes the limits (each one left out goes back to its default), e.g. small ones until a login is done. They
	 * apply from the next length prefix on; a word already announced keeps the size it was accepted with.
	 *
	 * @throws RangeError for a limit that is not a positive integer.
	 */
	setLimits(options: SentenceDecoderOptions): void {
		this.maxWordBytes = positiveLimit('maxWordBytes', options.maxWordBytes ?? DEFAULT_MAX_WORD_BYTES);
		this.maxWordsPerSentence = positiveLimit('maxWordsPerSentence', options.maxWordsPerSentence ?? DEFAULT_MAX_WORDS_PER_SENTENCE);
		this.maxSentenceBytes = positiveLimit('maxSentenceBytes', options.maxSentenceBytes ?? DEFAULT_MAX_SENTENCE_BYTES);
	}

	/** True when part of a sentence has been received and its end has not. */
	get hasPartialSentence(): boolean {
		return this.prefixFilled > 0 || this.word !== undefined || this.words.length > 0;
	}

	/**
	 * Consumes one chunk and returns the sentences it completed, in order (possibly none). Empty sentences
	 * (a lone zero-length word) are skipped, as the API doc says they are ignored.
	 *
	 * @throws RouterOsProtocolError on malformed input or a limit exceeded; the decoder is unusable after that.
	 */
	push(chunk: Uint8Array): string[][] {
		if (this.failure) {
			throw this.failure;
		}

		try {
			return this.consume(chunk);
		} catch (error) {
			this.failure =
				error instanceof RouterOsProtocolError ? error : new RouterOsProtocolError(`RouterOS API decoder failed: ${String(error)}`);
			throw this.failure;
		}
	}

	private consume(chunk: Uint8Array): string[][] {
		const sentences: string[][] = [];
		let offset = 0;
		while (offset < chunk.length) {
			if (this.word === undefined) {
				// Length prefixes are at most 5 bytes: collect them byte by byte so one split across chunks is kept.
				this.prefix[this.prefixFilled] = chunk[offset] ?? 0;
				this.prefixFilled += 1;
				offset += 1;
				const size = lengthPrefixSize(this.prefix[0] ?? 0);
				if (this.prefixFilled < size) {
					continue;
				}

				const length = readLength(this.prefix, 0, size);
				this.prefixFilled = 0;
				if (length === 0) {
					if (this.words.length > 0) {
						sentences.push(this.words);
					}

					this.words = [];
					this.sentenceBytes = 0;
					continue;
				}

				this.checkLimits(length);
				const available = chunk.length - offset;
				if (available >= length) {
					// Whole word in this chunk: decode in place, no copy.
					this.words.push(decodeUtf8(chunk, offset, offset + length));
					offset += length;
					continue;
				}

				this.word = Buffer.allocUnsafe(length);
				this.wordFilled = 0;
				continue;
			}

			const take = Math.min(this.word.length - this.wordFilled, chunk.length - offset);
			this.word.set(chunk.subarray(offset, offset + take), this.wordFilled);
			this.wordFilled += take;
			offset += take;
			if (this.wordFilled === this.word.length) {
				this.words.push(decodeUtf8(this.word, 0, this.word.length));
				this.word = undefined;
				this.wordFilled = 0;
			}
		}

		return sentences;
	}

	private checkLimits(length: number): void {
		if (length > this.maxWordBytes) {
			throw new RouterOsProtocolError(`RouterOS API word of ${length} bytes exceeds the limit of ${this.maxWordBytes} bytes`);
		}

		if (this.words.length >= this.maxWordsPerSentence) {
			throw new RouterOsProtocolError(`RouterOS API sentence has more than ${this.maxWordsPerSentence} words`);
		}

		this.sentenceBytes += length;
		if (this.sentenceBytes > this.maxSentenceBytes) {
			throw new RouterOsProtocolError(`RouterOS API sentence exceeds the limit of ${this.maxSentenceBytes} bytes`);
		}
	}
}
function readLength(buffer: Uint8Array, offset: number, size: number): number {
	const b = (index: number): number => buffer[offset + index] ?? 0;
	switch (size) {
		case 1: {
			return b(0);
		}

		case 2: {
			return ((b(0) & 0x3f) << 8) | b(1);
		}

		case 3: {
			return ((b(0) & 0x1f) << 16) | (b(1) << 8) | b(2);
		}

		case 4: {
			return (b(0) & 0x0f) * 0x1_00_00_00 + ((b(1) << 16) | (b(2) << 8) | b(3));
		}

		default: {
			return b(1) * 0x1_00_00_00 + ((b(2) << 16) | (b(3) << 8) | b(4));
		}
	}
}

function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
	// Buffer#toString replaces invalid UTF-8 with U+FFFD instead of throwing: router data can be in any encoding.
	return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

function positiveLimit(name: string, value: number): number {
	if (!Number.isInteger(value) || value < 1) {
		throw new RangeError(`SentenceDecoder option ${name} must be a positive integer, got ${value}`);
	}

	return value;
}

function hex(byte: number): string {
	return byte.toString(16).toUpperCase().padStart(2, '0');
}
