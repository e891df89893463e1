// The project's jest config with Date started at TEST_CLOCK_AT (HH:MM, Europe/Berlin): see ./clock-at-hour.ts.
import base from '../../jest.config.js';

/** @type {import('jest').Config} */
export default { ...base, rootDir: '../..', setupFilesAfterEnv: [...(base.setupFilesAfterEnv ?? []), '<rootDir>/test/support/clock-at-hour.ts'] };
