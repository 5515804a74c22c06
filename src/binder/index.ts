export * from './Binder';
export * from './registry';
