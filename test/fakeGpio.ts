import { FAKES_BIN } from './fakeCamera.js';

/**
 * An environment whose PATH finds the fake libgpiod tools (gpioset, gpiofind, gpioinfo, gpiomon) first, as
 * generation `version`, with their settings (FAKE_GPIO_STATE, FAKE_GPIO_EVENTS, FAKE_GPIO_BUSY, ...).
 */
export function fakeGpioEnv(version: 1 | 2, settings: Record<string, string>, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, PATH: `${FAKES_BIN}:${base.PATH ?? ''}`, FAKE_GPIOD_VERSION: String(version), ...settings };
}
