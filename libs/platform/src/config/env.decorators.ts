import 'reflect-metadata';

const SECRET_KEY = Symbol('env:secret');

/** Marks a variable whose value must never be logged or echoed in a validation error. */
export function Secret(): PropertyDecorator {
  return (target, property) => {
    const secrets: Set<string | symbol> = Reflect.getMetadata(SECRET_KEY, target) ?? new Set();
    Reflect.defineMetadata(SECRET_KEY, new Set([...secrets, property]), target);
  };
}

export function isSecret(target: object, property: string): boolean {
  const secrets: Set<string | symbol> | undefined = Reflect.getMetadata(SECRET_KEY, target);
  return secrets?.has(property) ?? false;
}
