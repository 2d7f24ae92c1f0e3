export * from './data-sources/schema-data-source';
export * from './runner';
