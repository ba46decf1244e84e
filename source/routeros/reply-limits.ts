/**
 * How much a router may send radtop's RouterOS API client: per word, per sentence, per reply to one command, and
 * before login is done. A hostile or broken router that streams `!re` sentences without end, or announces a giant
 * word, ends the command with a `protocol` RouterOsError and the connection is closed, instead of growing radtop's
 * memory until the command times out.
 *
 * The numbers are far above what a real router sends. The largest reply radtop could meet is an unfiltered
 * `/ppp/active/print` on a big BNG: about 20,000 sessions of about 15 words of about 30 bytes, so 20,000
 * sentences, 300,000 words and 9 MB on the wire (about 50 MB once held as rows). radtop itself asks for one
 * user's entries, a handful of rows. A login reply is `!done` (or `!trap` with a message): a few words.
 *
 * Worst case held while a reply is collected: {@link MAX_REPLY_WORDS} attributes (about 60 to 80 MB as rows) or
 * {@link MAX_REPLY_BYTES} of text, plus one partial sentence of at most {@link MAX_SENTENCE_BYTES}.
 */
import type {SentenceDecoderOptions} from './words.js';

/** Largest word accepted, checked at the length prefix, before anything is allocated for it: 1 MiB. */
export const MAX_WORD_BYTES = 1024 * 1024;
/** Most words in one sentence: 1,024 (a `/ppp/active` row has about 15, an `/interface` row about 40). */
export const MAX_WORDS_PER_SENTENCE = 1024;
/** Most bytes in one sentence, all its words together: 4 MiB. */
export const MAX_SENTENCE_BYTES = 4 * 1024 * 1024;

/** Most sentences in the reply to one command: 50,000 (2.5 times the 20,000 sessions of a big BNG). */
export const MAX_REPLY_SENTENCES = 50_000;
/** Most words in the reply to one command, all sentences together: 600,000 (twice the big BNG's 300,000). */
export const MAX_REPLY_WORDS = 600_000;
/** Most word bytes in the reply to one command: 24 MiB (the big BNG's `/ppp/active` is about 9 MB). */
export const MAX_REPLY_BYTES = 24 * 1024 * 1024;

/**
 * Most bytes received before login is done, whatever they are: 16 KiB. Also the word and sentence limits
 * while logging in, so a huge word announced in the login reply is refused at its length prefix.
 */
export const MAX_LOGIN_BYTES = 16 * 1024;

/** The decoder's limits once logged in. */
export const COMMAND_DECODER_LIMITS: Required<SentenceDecoderOptions> = {
	maxWordBytes: MAX_WORD_BYTES,
	maxWordsPerSentence: MAX_WORDS_PER_SENTENCE,
	maxSentenceBytes: MAX_SENTENCE_BYTES,
};

/** The decoder's limits until logged in. */
export const LOGIN_DECODER_LIMITS: Required<SentenceDecoderOptions> = {
	maxWordBytes: MAX_LOGIN_BYTES,
	maxWordsPerSentence: 64,
	maxSentenceBytes: MAX_LOGIN_BYTES,
};

/** What the reply to one command may hold. */
export interface ReplyLimits {
	readonly maxSentences: number;
	readonly maxWords: number;
	readonly maxBytes: number;
}

/** The limits of the reply to one command. */
export const REPLY_LIMITS: ReplyLimits = {
	maxSentences: MAX_REPLY_SENTENCES,
	maxWords: MAX_REPLY_WORDS,
	maxBytes: MAX_REPLY_BYTES,
};

/** How much of a reply has arrived so far. */
export interface ReplyTally {
	sentences: number;
	words: number;
	bytes: number;
}

/** A fresh {@link ReplyTally}. */
export function emptyTally(): ReplyTally {
	return {sentences: 0, words: 0, bytes: 0};
}

/**
 * Adds one sentence of `words` words and `bytes` bytes to `tally`.
 *
 * @returns why the reply is now over `limits` (e.g. `reply to /ppp/active/print exceeds 50000 sentences`), or
 *   undefined while it is within them.
 */
export function tallySentence(tally: ReplyTally, words: number, bytes: number, limits: ReplyLimits, command: string): string | undefined {
	tally.sentences += 1;
	tally.words += words;
	tally.bytes += bytes;
	if (tally.sentences > limits.maxSentences) return `reply to ${command} exceeds ${limits.maxSentences} sentences`;
	if (tally.words > limits.maxWords) return `reply to ${command} exceeds ${limits.maxWords} words`;
	if (tally.bytes > limits.maxBytes) return `reply to ${command} exceeds ${limits.maxBytes} bytes`;
	return undefined;
}

/** The UTF-8 size of a sentence's words, as they were on the wire (without the length prefixes). */
export function sentenceBytes(words: readonly string[]): number {
	let bytes = 0;
	for (const word of words) bytes += Buffer.byteLength(word, 'utf8');
	return bytes;
}
