// jax.tree.map over the containers model code passes (tuples, lists, dicts, None leaves kept), and tuple unpacking.
import { PyDict, PyList, PyModule, PyTuple, HostObject, pyError, type InterpreterApi, type Value } from '../../interp';
import { items, isSequence } from '../../trace/args';

function treeMap(api: InterpreterApi, fn: Value, tree: Value, rest: Value[]): Value {
  if (tree === null) return null;
  if (tree instanceof PyTuple || tree instanceof PyList) {
    const mapped = tree.items.map((leaf, i) => treeMap(api, fn, leaf, rest.map((r) => items(r)[i])));
    return tree instanceof PyTuple ? new PyTuple(mapped) : new PyList(mapped);
  }
  if (tree instanceof PyDict) {
    const out = new PyDict();
    for (const key of tree.keys()) out.set(key, treeMap(api, fn, tree.get(key)!, rest.map((r) => (r as PyDict).get(key)!)));
    return out;
  }
  return api.call(fn, [tree, ...rest]);
}

export function createTree(): PyModule {
  const map = new HostObject('jax.tree.map', { call: ([fn, tree, ...rest], _, api) => treeMap(api, fn, tree, rest) });
  return new PyModule('jax.tree', new Map<string, Value>([['map', map]]));
}

/** A Python pair (or n-tuple) returned by model code, as its items. */
export function tupleOf(value: Value, n: number): readonly Value[] {
  if (!isSequence(value) || items(value).length !== n) throw pyError('TypeError', `expected a tuple of ${n} items`);
  return items(value);
}
