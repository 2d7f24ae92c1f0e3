export * from './audit.dto';
export * from './token.dto';
export * from './user.dto';
