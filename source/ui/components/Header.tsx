import {Text} from 'ink';
import type {ReplicaBadge} from '../../db/replica.js';
import type {SitesHeader} from '../site-lines.js';
import {stringWidth, truncate} from '../../terminal/text.js';
import {useTheme} from '../theme.js';

export interface HeaderProps {
	readonly database: string;
	readonly intervalSeconds: number;
	/** Seconds to the next poll, null while paused. */
	readonly nextInSeconds: number | null;
	readonly paused: boolean;
	readonly readOnly: boolean;
	/** Age of the data on screen, null before the first snapshot. */
	readonly ageSeconds: number | null;
	readonly durationMs: number | null;
	readonly width: number;
	/** The read database is a hot standby: its lag (`standby · lag 3s`), in the warning colour above the interval. */
	readonly replica?: ReplicaBadge | null;
	/**
	 * Several sites, in place of `database`: their texts longest first (with their standbys' lag, site-lines.ts
	 * sitesHeader), the first that fits beside the age of the data shown, a lag behind the interval in the
	 * warning colour.
	 */
	readonly sites?: SitesHeader | undefined;
}

type TimingProps = Pick<HeaderProps, 'intervalSeconds' | 'nextInSeconds' | 'paused' | 'ageSeconds' | 'durationMs'>;

/** The timing parts in the order they give way when room is short: the interval first, the age last. */
function timingParts(props: TimingProps): Array<string | undefined> {
	return [
		`every ${props.intervalSeconds}s`,
		props.paused ? undefined : props.nextInSeconds === null ? 'refreshing' : `refresh in ${props.nextInSeconds}s`,
		props.durationMs === null ? undefined : `${props.durationMs} ms`,
		props.ageSeconds === null ? 'loading' : `${props.ageSeconds}s ago`,
	];
}

/** "every 5s · refresh in 3s · 2s ago · 14 ms": the whole timing. Pure. */
export function timingText(props: TimingProps): string {
	const [every, refresh, cost, age] = timingParts(props);
	return [every, refresh, age, cost].filter(Boolean).join(' · ');
}

/**
 * What the header line holds at this width. The database (or profile) is what tells production from a lab, so
 * it stays whole as long as anything else can give way: first the interval, then the countdown, the cost of
 * the last refresh and `? help`; the age of the data goes last. Only then is the database cut. Pure.
 */
export function headerParts(props: TimingProps & {readonly database: string; readonly badges: string; readonly width: number}): {
	database: string;
	right: string;
} {
	const [every, refresh, cost, age] = timingParts(props);
	const candidates = [
		`${[every, refresh, age, cost].filter(Boolean).join(' · ')}  ? help`,
		`${[refresh, age, cost].filter(Boolean).join(' · ')}  ? help`,
		`${[age, cost].filter(Boolean).join(' · ')}  ? help`,
		`${age}  ? help`,
		`${age}`,
	];
	const fixed = 'radtop  '.length + stringWidth(props.badges) + 1;
	for (const right of candidates) {
		if (fixed + stringWidth(props.database) + stringWidth(right) <= props.width) return {database: props.database, right};
	}
	const right = candidates.at(-1)!;
	return {database: truncate(props.database, Math.max(0, props.width - fixed - stringWidth(right))), right};
}

/**
 * The database (or sites) text at this width: `database`, or the first of the sites' forms that fits beside the
 * badges and the age of the data (the timing gives way to it as to the database), else the shortest. Pure.
 */
export function databaseText(props: TimingProps & Pick<HeaderProps, 'database' | 'sites' | 'readOnly' | 'width'>): string {
	const forms = props.sites?.forms;
	if (!forms?.length) return props.database;
	const others = `${props.paused ? ' PAUSED ' : ''}${props.readOnly ? ' READ-ONLY ' : ''}`;
	const age = timingParts(props).at(-1) ?? '';
	const room = props.width - 'radtop  '.length - 1 - stringWidth(others) - stringWidth(age);
	return forms.find((form) => stringWidth(form) <= room) ?? forms.at(-1)!;
}

/** `text` cut into the parts that are one of `marks` (the longest mark first) and those between them. Pure. */
export function markedParts(text: string, marks: readonly string[]): Array<{readonly text: string; readonly marked: boolean}> {
	const sorted = [...marks].filter((mark) => mark !== '').sort((a, b) => b.length - a.length);
	const parts: Array<{text: string; marked: boolean}> = [];
	let plain = '';
	for (let at = 0; at < text.length;) {
		const mark = sorted.find((candidate) => text.startsWith(candidate, at));
		if (mark === undefined) {
			plain += text[at];
			at += 1;
			continue;
		}
		if (plain !== '') parts.push({text: plain, marked: false});
		plain = '';
		parts.push({text: mark, marked: true});
		at += mark.length;
	}
	if (plain !== '') parts.push({text: plain, marked: false});
	return parts;
}

/**
 * The standby badge, right after the database, at this width: whole (`  standby · lag 3s`) while the database and
 * the age of the data fit beside it, else `  lag 3s`. Pure.
 */
export function replicaText(props: TimingProps & Pick<HeaderProps, 'database' | 'readOnly' | 'replica' | 'width'>): string {
	if (!props.replica) return '';
	const others = `${props.paused ? ' PAUSED ' : ''}${props.readOnly ? ' READ-ONLY ' : ''}`;
	const age = timingParts(props).at(-1) ?? '';
	const whole = `  ${props.replica.text}`;
	const room = props.width - 'radtop  '.length - stringWidth(props.database) - 1 - stringWidth(others) - stringWidth(age);
	return stringWidth(whole) <= room ? whole : `  ${props.replica.short}`;
}

/** Product, database, poll interval with a countdown, age and cost of the last refresh, badges. */
export function Header(given: HeaderProps) {
	const theme = useTheme();
	const props = {...given, database: databaseText(given)};
	const replica = replicaText(props);
	const badges = `${props.paused ? ' PAUSED ' : ''}${props.readOnly ? ' READ-ONLY ' : ''}${replica}`;
	const {database, right} = headerParts({...props, badges});
	const gap = Math.max(1, props.width - 'radtop  '.length - stringWidth(database) - stringWidth(badges) - stringWidth(right));
	return (
		<Text wrap="truncate-end">
			<Text bold color={theme.accent}>
				radtop
			</Text>
			<Text>
				{'  '}
				{markedParts(database, props.sites?.warn ?? []).map((part, index) =>
					part.marked ? (
						<Text key={index} inverse color={theme.warn}>
							{part.text}
						</Text>
					) : (
						part.text
					),
				)}
			</Text>
			{replica === '' ? null : props.replica?.warn ? (
				<>
					{'  '}
					<Text inverse color={theme.warn}>
						{replica.slice(2)}
					</Text>
				</>
			) : (
				<Text color={theme.muted}>{replica}</Text>
			)}
			{' '.repeat(gap)}
			{props.paused ? (
				<Text inverse color={theme.warn}>
					{' PAUSED '}
				</Text>
			) : null}
			{props.readOnly ? (
				<Text inverse color={theme.highlight}>
					{' READ-ONLY '}
				</Text>
			) : null}
			<Text color={theme.muted}>{right}</Text>
		</Text>
	);
}
