// Framework modules as the interpreter sees them: a name the host does not provide is an API without a lowering
// (reported as such, with its full name), not an AttributeError that would read like a bug in the user's code.
import { BuiltinFunction, PyModule, type Value } from '../interp';
import { NotLowered } from './tracer';

export function frameworkModule(name: string, attrs: Map<string, Value>): PyModule {
  attrs.set('__getattr__', new BuiltinFunction('__getattr__', ([attr]) => {
    throw new NotLowered(`${name}.${String(attr)}`);
  }));
  return new PyModule(name, attrs);
}
