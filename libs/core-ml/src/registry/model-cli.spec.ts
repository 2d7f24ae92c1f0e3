import { UsageError } from '@vigil/platform';

import { parseModelCommand } from './model-cli';

describe('model CLI', () => {
  it('parses each command', () => {
    expect(parseModelCommand(['list'])).toEqual({ command: 'list', help: false });
    expect(parseModelCommand(['list', '--name', 'risk'])).toEqual({ command: 'list', name: 'risk', help: false });
    expect(parseModelCommand(['register', 'models/risk/3'])).toEqual({ command: 'register', dir: 'models/risk/3', help: false });
    expect(parseModelCommand(['promote', '--name', 'risk', '--version', '3', '--role', 'shadow'])).toEqual({
      command: 'promote',
      name: 'risk',
      version: 3,
      role: 'shadow',
      help: false,
    });
    expect(parseModelCommand(['promote', '--help'])).toMatchObject({ help: true });
  });

  it.each([
    [[], 'a command is needed: list, register, promote or seed'],
    [['remove'], 'unknown command "remove" (list, register, promote, seed)'],
    [['register'], 'register needs the artifact directory'],
    [['register', 'a', 'b'], 'unexpected argument "b"'],
    [['promote', '--name', 'risk'], 'promote needs --version, --role'],
    [['promote', '--name', 'risk', '--version', '2.5', '--role', 'champion'], '--version must be a positive integer, got "2.5"'],
    [['promote', '--name', 'risk', '--version', '2', '--role', 'king'], '--role must be champion or shadow, got "king"'],
    [['list', '--name', 'Risk!'], '--name must match'],
  ])('refuses %j: %s', (argv, message) => {
    const parse = () => parseModelCommand(argv);

    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });
});
