export * from './reply.js';
export * from './roles.js';
export * from './dto.js';
export * from './backup-dto.js';
export * from './methods.js';
export * from './events.js';
