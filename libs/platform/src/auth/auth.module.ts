import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule, JwtService } from '@nestjs/jwt';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log.service';
import { AuditRepository } from './audit.repository';
import { AuthRoutesCheck } from './auth-routes.check';
import { AuthController } from './auth.controller';
import { authEntities } from './auth.entities';
import { AuthGuard } from './auth.guard';
import { AUTH_OPTIONS, AuthOptions } from './auth.options';
import { AuthService } from './auth.service';
import { PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

export interface AuthModuleOptions extends AuthOptions {
  jwtSecret: string;
  tokenTtlSeconds: number;
}

/**
 * Users, bearer tokens, roles and the audit log of one service (its schema's `app_user` and
 * `audit_log`). Global: the guard covers every controller of the app, and domain modules inject
 * `AuditLog` to record their actions. The entities must be in the app's TypeORM entities
 * (`PlatformModule` adds `authEntities(schema)`).
 */
@Module({})
export class AuthModule {
  static forRoot(options: AuthModuleOptions): DynamicModule {
    const { jwtSecret, tokenTtlSeconds, ...auth } = options;
    const entities = authEntities(auth.schema);
    return {
      module: AuthModule,
      global: true,
      imports: [DiscoveryModule, JwtModule.register({ secret: jwtSecret, signOptions: { algorithm: 'HS256' }, verifyOptions: { algorithms: ['HS256'] } })],
      controllers: [AuthController, UsersController, AuditController],
      providers: [
        { provide: AUTH_OPTIONS, useValue: auth },
        { provide: UsersRepository, useFactory: (dataSource: DataSource) => new UsersRepository(dataSource, entities.user), inject: [getDataSourceToken()] },
        { provide: AuditRepository, useFactory: (dataSource: DataSource) => new AuditRepository(dataSource, entities.audit), inject: [getDataSourceToken()] },
        { provide: AuditLog, useFactory: (repository: AuditRepository) => new AuditLog(repository), inject: [AuditRepository] },
        { provide: PasswordHasher, useValue: new PasswordHasher() },
        { provide: TokenService, useFactory: (jwt: JwtService) => new TokenService(jwt, { service: auth.service, ttlSeconds: tokenTtlSeconds }), inject: [JwtService] },
        AuthService,
        UsersService,
        AuthRoutesCheck,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [AuditLog, AuthService, UsersService],
    };
  }
}
