import {Text} from 'ink';
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
}

/** "every 5s · refresh in 3s · 2s ago · 14 ms", shortest form first when room is short. Pure. */
export function timingText(props: Pick<HeaderProps, 'intervalSeconds' | 'nextInSeconds' | 'paused' | 'ageSeconds' | 'durationMs'>): string {
	return [
		`every ${props.intervalSeconds}s`,
		props.paused ? undefined : props.nextInSeconds === null ? 'refreshing' : `refresh in ${props.nextInSeconds}s`,
		props.ageSeconds === null ? 'loading' : `${props.ageSeconds}s ago`,
		props.durationMs === null ? undefined : `${props.durationMs} ms`,
	]
		.filter(Boolean)
		.join(' · ');
}

/** Product, database, poll interval with a countdown, age and cost of the last refresh, badges. */
export function Header(props: HeaderProps) {
	const theme = useTheme();
	const badges = `${props.paused ? ' PAUSED ' : ''}${props.readOnly ? ' READ-ONLY ' : ''}`;
	const right = `${timingText(props)}  ? help`;
	const room = props.width - stringWidth(right) - stringWidth(badges) - 'radtop  '.length - 2;
	const database = truncate(props.database, Math.max(0, room));
	const gap = Math.max(1, props.width - 'radtop  '.length - stringWidth(database) - stringWidth(badges) - stringWidth(right));
	return (
		<Text wrap="truncate-end">
			<Text bold color={theme.accent}>
				radtop
			</Text>
			<Text>{`  ${database}`}</Text>
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
