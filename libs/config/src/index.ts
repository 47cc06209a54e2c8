export { validateEnvironment } from './lib/validate-environment';
export { CommonEnvironment } from './lib/common-environment';
export { settingsFromConfig } from './lib/settings-from-config';
