import { bundleFromModules } from '../bundle';

/** Every namespace of this language, in one chunk loaded when the language is first used. */
export default bundleFromModules(import.meta.glob('./*.json', { eager: true, import: 'default' }));
