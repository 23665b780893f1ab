// Framework modules as the interpreter sees them: a name the host does not provide is an API without a lowering
// (reported as such, with its full name, where it is used), not an AttributeError that would read like a bug in the
// user's code.
import { HostObject } from '../interp';
import { NotLowered } from './tracer';

/** A framework API the host lacks: calling it (or anything under it, torch.linalg.svd), or testing a value against
 *  it with isinstance, stops the check, naming it. */
export function missingApi(path: string): HostObject {
  const stop = (): never => {
    throw new NotLowered(path);
  };
  return new HostObject(path, {
    call: stop,
    instancecheck: stop,
    getattr: (attr) => (attr.startsWith('__') ? undefined : missingApi(`${path}.${attr}`)),
  });
}
