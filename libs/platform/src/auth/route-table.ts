import { INestApplicationContext, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';

import { IS_PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { Role } from './roles';

/** One HTTP route of an app, as Nest's metadata declares it. */
export interface RouteInfo {
  /** GET, POST, ... (ALL for @All). */
  method: string;
  /** With Nest's parameter syntax: /users/:id. */
  path: string;
  controller: string;
  handler: string;
  public: boolean;
  /** Any of these passes (and higher roles); empty: any authenticated user. */
  roles: Role[];
}

const join = (...parts: string[]) => `/${parts.flatMap((part) => part.split('/')).filter((segment) => segment.length > 0).join('/')}`;
const asList = (value: string | string[] | undefined) => (value === undefined ? [''] : Array.isArray(value) ? value : [value]);

/**
 * Every HTTP route of the controllers in `app`, with its auth requirement resolved the way the
 * guard resolves it (handler over controller). Versioning is not used in this project.
 */
export function listRoutes(discovery: DiscoveryService, reflector: Reflector, globalPrefix = ''): RouteInfo[] {
  const scanner = new MetadataScanner();
  const routes: RouteInfo[] = [];
  for (const wrapper of discovery.getControllers()) {
    const controller = wrapper.metatype as (new (...args: never[]) => object) | undefined;
    if (controller === undefined || wrapper.instance === undefined) continue;
    const prototype = controller.prototype as Record<string, unknown>;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const handler = prototype[name] as (...args: unknown[]) => unknown;
      const methodPath = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      if (methodPath === undefined) continue; // not a route handler
      const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod] ?? 'GET';
      const isPublic = reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [handler, controller]) === true;
      const roles = reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [handler, controller]) ?? [];
      for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined)) {
        for (const path of asList(methodPath)) {
          routes.push({ method, path: join(globalPrefix, base, path), controller: controller.name, handler: name, public: isPublic, roles: isPublic ? [] : [...roles] });
        }
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** `listRoutes` of a compiled module or a running app. */
export function listAppRoutes(app: INestApplicationContext, globalPrefix = ''): RouteInfo[] {
  return listRoutes(app.get(DiscoveryService), app.get(Reflector), globalPrefix);
}
