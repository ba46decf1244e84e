import {useEffect, useState} from 'react';

/** The current time, updated every `everyMs` (for countdowns and ages). */
export function useClock(everyMs = 1000): number {
	const [now, setNow] = useState(Date.now);
	useEffect(() => {
		const timer = setInterval(() => setNow(Date.now()), everyMs);
		return () => clearInterval(timer);
	}, [everyMs]);
	return now;
}
