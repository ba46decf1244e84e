/**
 * Colours, in the 16-colour palette only, and never the only carrier of meaning: with NO_COLOR set
 * (https://no-color.org) every colour is dropped and inverse/bold/dim and the row markers still read.
 */
import {createContext, useContext} from 'react';

export interface Theme {
	readonly accent?: string;
	readonly ok?: string;
	readonly warn?: string;
	readonly error?: string;
	readonly muted?: string;
	readonly highlight?: string;
}

export const COLOR_THEME: Theme = {accent: 'cyan', ok: 'green', warn: 'yellow', error: 'red', muted: 'gray', highlight: 'magenta'};
export const PLAIN_THEME: Theme = {};

/** The theme for an environment: plain when NO_COLOR is set to anything non-empty. */
export function themeFor(env: NodeJS.ProcessEnv): Theme {
	return env['NO_COLOR'] ? PLAIN_THEME : COLOR_THEME;
}

export const ThemeContext = createContext<Theme>(COLOR_THEME);

export function useTheme(): Theme {
	return useContext(ThemeContext);
}
