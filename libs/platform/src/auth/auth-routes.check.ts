import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';

import { AUTH_OPTIONS, AuthOptions } from './auth.options';
import { listRoutes } from './route-table';

/**
 * Fails the boot when a route asks for a role the service does not have (`@Roles('engineer')`
 * in risk-api): nobody but an admin could ever call it, which is never what was meant.
 */
@Injectable()
export class AuthRoutesCheck implements OnApplicationBootstrap {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  onApplicationBootstrap() {
    const problems = listRoutes(this.discovery, this.reflector)
      .filter((route) => route.roles.some((role) => !this.options.roles.includes(role)))
      .map((route) => `${route.method} ${route.path} (${route.controller}.${route.handler}) requires ${route.roles.join(' or ')}`);
    if (problems.length > 0) {
      throw new Error(`routes require roles ${this.options.service} does not have (${this.options.roles.join(', ')}):\n  ${problems.join('\n  ')}`);
    }
  }
}
