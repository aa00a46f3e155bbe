export { extractLocally, type Extraction, type ExtractionContext } from './local-extractor.js';
export { createOpenAiProvider, type OpenAiProviderOptions } from './openai-provider.js';
export { assistEnv, assistOptionsFrom, type AssistOptions } from './assist.config.js';
export { assistRoutes } from './assist.routes.js';
