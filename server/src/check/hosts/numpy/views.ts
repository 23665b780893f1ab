// NumPy's mutable arrays in a trace. An update replaces the array's symbolic value; a view (basic indexing, .T,
// reshape, ...) is derived again from the array it views after each update of that array, so it sees the update as
// NumPy's views do. An update of a view writes through to the array that owns the data: the view's derivation,
// applied to the owner's element positions, says where each of its elements lives. The truth value of an array, which the trace cannot know, is speculated False (a guard such as
// `if indices.min() < 0: raise`) and recorded: the check runs the guards with the outputs and only counts a trace
// whose guards were all False.
import { pyError, type Value } from '../../interp';
import * as ops from '../../trace/ops';
import { NotLowered, type Sym } from '../../trace/tracer';
import type { MutableArrays } from '../jax/array';
import { JaxArray, type JaxContext } from '../jax/context';

interface ViewOf {
  /** the array that owns the data (never itself a view) */
  root: JaxArray;
  derive: (root: Sym) => Sym;
}

export class ArrayViews implements MutableArrays {
  private readonly viewed = new WeakMap<JaxArray, ViewOf>();
  private readonly viewsOf = new Map<JaxArray, JaxArray[]>();
  /** arrays that NumPy may or may not have copied (np.ascontiguousarray of a view), and the owners of their data */
  private readonly undecided = new WeakSet<JaxArray>();
  /** one-element bool arrays the trace took to be False */
  readonly guards: Sym[] = [];

  constructor(private readonly ctx: JaxContext) {}

  update(array: JaxArray, update: (current: Sym) => Sym): void {
    const of = this.viewed.get(array);
    if (this.undecided.has(of?.root ?? array)) throw new NotLowered('an in-place update of an array that np.ascontiguousarray may have copied', 'whether it did depends on the memory layout');
    if (!of) return this.replace(array, update(array.sym));
    const t = this.ctx.t;
    const shape = of.root.sym.shape;
    const size = ops.size(shape);
    const positions = of.derive(ops.reshape(t, ops.arange(t, 0, size, 1, 'int64'), shape));
    const count = ops.size(positions.shape);
    // a broadcast view repeats elements: NumPy makes it read-only
    if (count > size) throw pyError('ValueError', 'assignment destination is read-only');
    const values = ops.reshape(t, update(array.sym), [count]);
    const written = t.node('ScatterND', [ops.reshape(t, of.root.sym, [size]), ops.reshape(t, positions, [count, 1]), values], {}, { dtype: of.root.sym.dtype, shape: [size] });
    this.replace(of.root, ops.reshape(t, written, shape));
  }

  /** A new value for an array that owns its data; its views (the updated one too) are derived again. */
  private replace(root: JaxArray, sym: Sym): void {
    root.sym = sym;
    for (const view of this.viewsOf.get(root) ?? []) view.sym = this.viewed.get(view)!.derive(sym);
  }

  view(base: JaxArray, derive: (base: Sym) => Sym): JaxArray {
    const of = this.viewed.get(base);
    const root = of?.root ?? base;
    const fromRoot = of ? (sym: Sym) => derive(of.derive(sym)) : derive;
    const view = this.ctx.wrap(derive(base.sym));
    this.viewed.set(view, { root, derive: fromRoot });
    this.viewsOf.set(root, [...(this.viewsOf.get(root) ?? []), view]);
    return view;
  }

  truthy(array: JaxArray): boolean {
    if (ops.size(array.sym.shape) !== 1) throw pyError('ValueError', 'The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()');
    this.guards.push(ops.cast(this.ctx.t, ops.reshape(this.ctx.t, array.sym, []), 'bool'));
    return false;
  }

  /** np.ascontiguousarray(x): x itself where x owns its data (C order); for a view, a copy or the view itself,
   *  depending on its layout, which the trace does not follow: an update of either is refused. */
  contiguous(array: JaxArray): JaxArray {
    const of = this.viewed.get(array);
    if (!of) return array;
    const copy = this.ctx.wrap(array.sym);
    this.undecided.add(copy);
    this.undecided.add(of.root);
    return copy;
  }

  arrayOf(value: Value): JaxArray | undefined {
    return value instanceof JaxArray ? value : undefined;
  }

  /** an array over `sym` that views nothing, to derive a view from */
  detached(sym: Sym): JaxArray {
    return this.ctx.wrap(sym);
  }

  symOf(value: Value): Sym {
    const sym = this.ctx.symOf(value);
    if (!sym) throw new TypeError('a view function returned no array');
    return sym;
  }
}
