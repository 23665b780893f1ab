// The Python interpreter behind the numerical check: model-style Python run in TypeScript, with subtle semantics
// checked against CPython itself and host values (stand-ins for tensors) delegating operators, items and calls.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { initParser } from '../server/src/parser';
import {
  HostObject, Interpreter, PyError, PyFloat, PyInstance, PyTuple, StepBudgetExceeded, Unsupported, runPython,
  type Host, type HostHooks, type Value,
} from '../server/src/check/interp';

/** repr(result) after running the snippet in CPython. */
function cpythonRepr(source: string): string {
  return execFileSync('python3', ['-c', `${source}\nprint(repr(result))`], { encoding: 'utf8' }).trimEnd();
}

/** repr(result) after running the snippet in the interpreter. */
function interpRepr(source: string): string {
  const interpreter = runPython(source);
  return interpreter.repr(interpreter.get('result')!);
}

function agreesWithCPython(title: string, source: string): void {
  it(title, function () {
    assert.equal(interpRepr(source), cpythonRepr(source));
  });
}

describe('interp: Python semantics agree with CPython', function () {
  before(async () => {
    await initParser();
  });

  agreesWithCPython('floor division and modulo of negatives', `
result = [7 // 2, -7 // 2, 7 // -2, -7 // -2, 7 % 3, -7 % 3, 7 % -3, -7 % -3, -7.5 // 2, -7.5 % 2, 7 / 2, 6 / 3, 2 ** -1, 2 ** 10, divmod(-7, 2)]
`);
  agreesWithCPython('shape arithmetic', `
B, T, C = 4, 10, 64
n_head = 8
head_dim = C // n_head
pad = (-T) % 16
blocks = -(-T // 3)
result = (head_dim, pad, blocks, (T + pad) // 16, C * 4 // 3, int(C / 3), float(T), round(T / 3, 2))
`);
  agreesWithCPython("round is banker's rounding", `
result = [round(0.5), round(1.5), round(2.5), round(-0.5), round(-1.5), round(2.675, 2), round(0.125, 2), round(1234, -2), round(1250, -2), round(3.14159, 3)]
`);
  agreesWithCPython('and/or return the deciding operand', `
result = [0 or 'x', '' and 1, [] or [], None or 0, 3 and 4, 0 and 1/0, 1 or 1/0, not [], (None or {}) or 'default']
`);
  agreesWithCPython('vars, type names, OrderedDict and functools', `
from collections import OrderedDict
from functools import partial, reduce
class A:
    def __init__(self):
        self.x, self.y = 1, 2
def scale(x, factor=1, *, shift=0):
    return x * factor + shift
double = partial(scale, factor=2)
result = (sorted(vars(A()).items()), type(A()).__name__, type(None).__name__, type(scale).__name__, type(3).__name__,
          list(OrderedDict([('b', 1), ('a', 2)]).items()), double(5), double(5, shift=1), partial(scale, 3)(factor=4),
          reduce(lambda a, b: a * b, [1, 2, 3, 4]), reduce(lambda a, b: a + b, [], 10))
`);
  agreesWithCPython('a mutable default is shared between calls', `
def append(x, items=[]):
    items.append(x)
    return items
append(1)
append(2)
result = append(3)
`);
  agreesWithCPython('closures in a loop bind late; defaults bind early', `
late = [lambda: i for i in range(3)]
early = [lambda i=i: i for i in range(3)]
funcs = []
for j in range(3):
    funcs.append(lambda: j * 10)
result = ([f() for f in late], [f() for f in early], [f() for f in funcs])
`);
  agreesWithCPython('closures with nonlocal and global', `
total = 0
def counter(start):
    count = start
    def step(by=1):
        nonlocal count
        count += by
        return count
    return step
def add_global(n):
    global total
    total += n
c = counter(10)
c(); c(5)
add_global(3); add_global(4)
compose = lambda f, g: lambda x: f(g(x))
result = (c(), total, compose(lambda x: x * 2, lambda x: x + 1)(5), (lambda *a, **k: (a, sorted(k.items())))(1, 2, z=3, y=4))
`);
  agreesWithCPython('comprehensions', `
words = ['attention', 'mlp', 'norm', 'embed']
result = (
    [w.upper() for w in words if len(w) > 3],
    {w: len(w) for w in words},
    sorted({len(w) for w in words}),
    sum(x * x for x in range(10) if x % 2),
    [(i, j) for i in range(3) for j in range(i)],
    [[r * 3 + c for c in range(3)] for r in range(2)],
    list(zip(*[[1, 2, 3], [4, 5, 6]])),
    {k: v for k, v in enumerate('abc', start=1)},
)
`);
  agreesWithCPython('f-strings and format specs', `
name, loss, step, ratio = 'gpt', 0.123456, 42, 0.75
result = [
    f"{name!r}: loss={loss:.3f} step={step:05d} ratio={ratio:.1%}",
    f"{step:>6}|{name:<5}|{name:^7}|{step:,}|{1234567.891:,.2f}",
    f"{loss:e} {loss:.2e} {loss:g} {1e-7:g} {123456789.0:g} {{braces}}",
    f"{[1, 2]} {(1,)} {None} {True} {1.0} {1e16} {1e-5} {0.1 + 0.2} {float('inf')}",
    f"{'nested':>{step // 4}}",
    '{} and {name}: {:.2f}'.format(3.14159, 2.71828, name='pi'), '{0}/{0:.1f}'.format(2.25),
    str(3.0), repr('it\\'s'), str([1.5, 'a']),
]
`);
  agreesWithCPython('math module', `
import math
result = [math.sqrt(16), math.log(math.e), math.log(8, 2), math.exp(0), math.pi, math.ceil(2.1), math.floor(-2.1),
          math.prod([2, 3, 4]), math.isfinite(math.inf), math.isnan(float('nan')), math.tanh(0.5), math.gcd(12, 18),
          math.sqrt(2) / 2, -math.inf, math.log2(1024), round(math.erf(0.5), 12), round(math.erf(-3.5), 12)]
`);
  agreesWithCPython('unpacking, slicing and augmented assignment', `
first, *middle, last = range(6)
(a, b), c = (1, 2), 3
xs = list(range(10))
xs[2:5] = ['a']
ys = [1, 2]
alias = ys
ys += [3]
d = {'a': 1}
d['a'] += 5
result = (first, middle, last, a, b, c, xs, xs[::-2], xs[-3:], xs[:100], alias, d, 'hello'[1:-1], (1, 2, 3)[::-1])
`);
  agreesWithCPython('chained comparisons and control flow', `
hits = []
for n in range(20):
    if n % 2 == 0:
        continue
    if 5 < n <= 9 != n:
        hits.append(n)
    elif n > 15:
        break
else:
    hits.append('no break')
i = 0
while i < 3:
    i += 1
else:
    hits.append('while else')
result = (hits, 1 < 2 < 3, 3 > 2 > 2, 'a' in 'cat', 4 not in [1, 2], None is None, [] is not None)
`);
  agreesWithCPython('positional, keyword, star and keyword-only arguments', `
def f(a, b=2, *args, c, d=4, **kwargs):
    return (a, b, args, c, d, sorted(kwargs.items()))
def g(x, /, y, *, z=0):
    return x + y + z
opts = {'c': 3, 'e': 5}
errors = []
for call in [lambda: f(1), lambda: f(1, 2, b=3, c=0), lambda: g(1, 2, 3), lambda: f(1, c=1, zz=0, **{'q': 1})]:
    try:
        errors.append(call())
    except TypeError as e:
        errors.append(type(e).__name__)
result = (f(1, c=3), f(1, 2, 3, 4, c=5, d=6, e=7), f(*[1, 2], **opts), g(1, y=2, z=3), errors)
`);
  agreesWithCPython('dunder methods, sets, dicts and attribute builtins', `
class Vec:
    def __init__(self, *xs):
        self.xs = list(xs)
    def __add__(self, other):
        return Vec(*[a + b for a, b in zip(self.xs, other.xs)])
    def __rmul__(self, k):
        return Vec(*[k * a for a in self.xs])
    def __len__(self):
        return len(self.xs)
    def __getitem__(self, i):
        return self.xs[i]
    def __eq__(self, other):
        return isinstance(other, Vec) and self.xs == other.xs
    def __iter__(self):
        return iter(self.xs)
class Tag:
    pass
v = Vec(1, 2) + 3 * Vec(1, 1)
t = Tag()
keyed = {(t, 'a'): 1}
keyed[(t, 'b')] = 2
try:
    hash_of_vec = {v: 1}
except TypeError as e:
    hash_of_vec = str(e)
setattr(v, 'tag', 'sum')
seen = {1, 2, 3} | {3, 4}
counts = {}
for word in 'a b a c b a'.split():
    counts[word] = counts.get(word, 0) + 1
result = (v.xs, len(v), v[-1], list(v), v == Vec(4, 5), bool(Vec()), sorted(seen), sorted(seen & {1, 4, 9}),
          len(keyed), keyed[(t, 'b')], hash_of_vec, getattr(v, 'tag'), hasattr(v, 'nope'), counts, sorted(counts, key=counts.get),
          {**counts, 'z': 0}, list(counts.items())[0], 3 in {3: 'x'}, counts.pop('c'), counts)
`);
  agreesWithCPython('comments, line continuations, walrus and return from finally', `
def pick(xs):  # a comment after the header
    # a comment before the body
    total = (
        1  # inside parentheses
        + 2
    )
    if (n := len(xs)) > 2:
        return n, total
    return [
        x  # in a list
        for x in xs
    ]

def cleanup():
    try:
        return 'body'
    finally:
        return 'finally'

value = 1 + \
    2
result = (pick([1, 2, 3]), pick([1]), cleanup(), value, {'a': 1,  # a comment in a dict
                                                         'b': 2})
`);
  agreesWithCPython('builtins', `
result = [len('abc'), list(range(10, 0, -3)), list(enumerate('ab')), list(map(abs, [-1, 2])), list(filter(None, [0, 1, '', 'x'])),
          min(3, 1, 2), max([1, 5, 2], key=lambda v: -v), min([], default=None), abs(-2.5), int('42'), int(-3.9), float('1e3'),
          bool([]), str(None), tuple('ab'), dict(a=1, b=2), sorted([3, 1, 2], reverse=True), list(reversed([1, 2, 3])),
          any([0, 1]), all([]), isinstance(True, int), isinstance(1.0, (int, float)), isinstance('x', (list, tuple)),
          sum([0.1] * 10), ' a b '.split(), '-'.join(['x', 'y']), 'x,y'.split(','), [1, 2, 3].index(2), {'a': 1}.get('b', 0)]
`);
});

describe('interp: classes', function () {
  before(async () => {
    await initParser();
  });

  it('runs a dataclass config with defaults, field factories and __post_init__', function () {
    const interpreter = runPython(`
from dataclasses import dataclass, field
from typing import Optional, List

@dataclass
class Config:
    vocab_size: int
    n_layer: int = 12
    n_embd: int = 768
    dropout: float = 0.0
    bias: bool = True
    layers: List[int] = field(default_factory=list)
    head_dim: Optional[int] = None

    def __post_init__(self):
        if self.head_dim is None:
            self.head_dim = self.n_embd // 12

@dataclass
class SmallConfig(Config):
    tag: str = 'small'

config = Config(50257, n_layer=2)
small = SmallConfig(100, n_embd=48)
result = (config.n_layer, config.head_dim, config.layers, small.tag, small.head_dim, repr(small) == repr(SmallConfig(100, n_embd=48)))
text = repr(Config(10))
`);
    assert.equal(interpreter.repr(interpreter.get('result')!), '(2, 64, [], \'small\', 4, True)');
    assert.equal(interpreter.get('text'), 'Config(vocab_size=10, n_layer=12, n_embd=768, dropout=0.0, bias=True, layers=[], head_dim=64)');
  });

  agreesWithCPython('inheritance, super(), properties, static and class methods, __call__', `
class Shape:
    count = 0
    def __init__(self, name):
        self.name = name
        Shape.count += 1
    @property
    def area(self):
        return 0
    def describe(self):
        return f"{self.name} with area {self.area}"
    @staticmethod
    def unit():
        return 'cm'
    @classmethod
    def make(cls, *args):
        return cls(*args)

class Rect(Shape):
    def __init__(self, w, h):
        super().__init__('rect')
        self.w, self.h = w, h
    @property
    def area(self):
        return self.w * self.h
    @area.setter
    def area(self, value):
        self.w = value / self.h

class Square(Rect):
    def __init__(self, side):
        super().__init__(side, side)
        self.name = 'square'
    def describe(self):
        return 'square: ' + super().describe()
    def __call__(self, scale):
        return self.area * scale
    def __repr__(self):
        return f"Square({self.w})"

s = Square.make(3)
r = Rect(2, 5)
r.area = 20
result = (s.describe(), s(2), r.w, Shape.count, Square.unit(), isinstance(s, Shape), isinstance(r, Square),
          hasattr(s, 'area'), getattr(s, 'missing', 'default'), [c.__name__ for c in Square.__mro__], repr(s))
`);

  agreesWithCPython('exceptions, try/except/finally, with', `
log = []
class Resource:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        log.append('enter ' + self.name)
        return self
    def __exit__(self, kind, value, traceback):
        log.append(f'exit {self.name} {kind.__name__ if kind else None}')
        return kind is KeyError

class ShapeError(ValueError):
    pass

class CodedError(RuntimeError):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code

try:
    raise CodedError('bad shape', 7)
except RuntimeError as e:
    log.append((str(e), e.code, e.args))

def check(n):
    if n < 0:
        raise ShapeError(f'negative: {n}')
    return n

for n in [1, -1]:
    try:
        check(n)
    except (TypeError, ValueError) as e:
        log.append(f'caught {type(e).__name__}: {e}')
    else:
        log.append('no error')
    finally:
        log.append('finally')

with Resource('a') as r, Resource('b'):
    {}['missing']
log.append('suppressed')
try:
    assert 1 > 2, 'math is broken'
except AssertionError as e:
    log.append(str(e))
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise
except ArithmeticError as e:
    log.append(repr(e))
result = log
`);
});

describe('interp: generators, list and dict subclasses, id(), frozenset, __module__', function () {
  before(async () => {
    await initParser();
  });

  agreesWithCPython('generators run lazily, up to the next yield, at each next()', `
log = []
def count(n):
    log.append('start')
    i = 0
    while i < n:
        log.append(f'yield {i}')
        yield i
        i += 1
    log.append('end')
g = count(3)
log.append('made')
first = next(g)
log.append(f'got {first}')
rest = list(g)
result = (log[:], first, rest, next(g, 'exhausted'), type(g).__name__, sum(x * x for x in count(4)))
`);

  agreesWithCPython('yield from, return, break, continue and for-else in generators; an endless one consumed in part', `
def walk(tree, prefix=''):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from walk(value, prefix + key + '.')
        elif value is None:
            continue
        else:
            yield prefix + key, value
    else:
        yield 'done', None
def naturals():
    n = 0
    while True:
        yield n
        n += 1
def until_negative(items):
    for x in items:
        if x < 0:
            return
        yield x
    yield 'all'
def pairs():
    yield 1, 2
    yield
evens = []
for n in naturals():
    if n > 6:
        break
    if n % 2:
        continue
    evens.append(n)
result = (list(walk({'a': 1, 'skip': None, 'b': {'c': 2, 'd': {'e': 3}}})), evens, list(until_negative([1, 2, -1, 3])),
          list(until_negative([4])), list(pairs()), list(zip(naturals(), 'abc')), dict(walk({'x': {'y': 1}})))
`);

  agreesWithCPython("a generator's exception surfaces at the next() that reaches it", `
steps = []
def failing():
    steps.append(1)
    yield 1
    steps.append(2)
    raise ValueError('late')
g = failing()
got = next(g)
before = steps[:]
try:
    next(g)
except ValueError as error:
    caught = str(error)
result = (got, before, steps, caught, next(g, 'finished'))
`);

  agreesWithCPython('try/except/else around yields in generators', `
def safe_div(pairs):
    for a, b in pairs:
        try:
            yield a / b
        except ZeroDivisionError as error:
            yield f'skip {a}: {error}'
        else:
            yield 'ok'
def parse(items):
    try:
        for item in items:
            yield int(item)
    except ValueError:
        yield 'bad'
        return
    yield 'all parsed'
def reraise():
    try:
        yield 1
        raise KeyError('k')
    except KeyError:
        yield 2
        raise
outcome = []
try:
    for value in reraise():
        outcome.append(value)
except KeyError as error:
    outcome.append(repr(error))
result = (list(safe_div([(1, 2), (3, 0)])), list(parse(['1', 'x', '3'])), list(parse(['4'])), outcome)
`);

  agreesWithCPython('a list subclass: super().__init__, iteration, indexing, len, methods and += of list', `
class Stack(list):
    def __init__(self, *items):
        super().__init__(items)
    def push(self, item):
        self.append(item)
        return self
    def __call__(self, x):
        for f in self:
            x = f(x)
        return x
class Plain(list):
    pass
s = Stack(1, 2).push(3)
p = Plain([4, 5])
p[0] = 40
p += [6]
p.extend(range(2))
del p[-1]
empty = Plain()
result = (s, len(s), s[1:], s[-1], list(reversed(s)), 2 in s, 9 in s, bool(empty), bool(p), p, type(p).__name__,
          isinstance(p, list), isinstance(p, dict), issubclass(Stack, list), p == [40, 5, 6, 0], s + [4], 2 * s,
          [x * 2 for x in s], list(enumerate(p)), vars(p), str(s), Stack(lambda x: x + 1, lambda x: x * 2)(3),
          sorted(Plain([3, 1, 2])), p.index(6), max(s), type(s.copy()).__name__, type(p) is Plain)
`);

  agreesWithCPython('a dict subclass: __getattr__ over its items, an overridden __getitem__ with super(), dict methods', `
class Registry(dict):
    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None
class Ordered(Registry):
    def __getitem__(self, key):
        return list(self.values())[key] if isinstance(key, int) else super().__getitem__(key)
r = Registry(a=1)
r['b'] = 2
r.update({'c': 3})
del r['a']
o = Ordered([('x', 10), ('y', 20)])
try:
    r.missing
except AttributeError as error:
    missing = repr(error)
result = (r, r.b, getattr(r, 'zzz', 'fallback'), missing, sorted(r.items()), 'b' in r, len(r), o[1], o['x'], list(o),
          dict(o), {**r, 'z': 0}, isinstance(o, dict), isinstance(o, list), issubclass(Ordered, dict), r == {'b': 2, 'c': 3},
          r.get('q', 'none'), list(r.keys()), o.pop('x'), o, Registry(), dict(Registry(k=5)))
`);

  agreesWithCPython('id() is identity; frozenset is immutable, hashable and keeps its type through |', `
class A:
    pass
a, b = A(), A()
x = [1]
fs = frozenset([1, 2]) | {3}
result = (id(a) == id(a), id(a) == id(b), id(x) == id(x[:]), id(None) == id(None), id(a) in {id(a)}, fs, type(fs).__name__,
          isinstance(fs, frozenset), isinstance(fs, set), fs == {1, 2, 3}, {fs: 'key'}[frozenset({3, 2, 1})], 2 in fs,
          frozenset(), sorted(fs - {1}), hasattr(fs, 'add'), len({frozenset([1, 2]), frozenset([2, 1])}), {1, 2} | fs)
`);

  agreesWithCPython("__module__ of classes, instances, functions and the builtins' types", `
class A:
    pass
def f():
    pass
a = A()
result = (A.__module__, type(a).__module__, a.__module__, f.__module__, type(f).__module__, type(1).__module__,
          type([]).__module__, type(A).__module__, len.__module__, type(len).__module__, type(None).__module__,
          type(lambda: 0).__module__, type(a).__module__ != 'builtins', type(x for x in []).__module__)
`);

  agreesWithCPython('copy.deepcopy keeps shared references shared and cycles closed; copy.copy shares the items', `
import copy
class Layer:
    def __init__(self, w):
        self.w = w
        self.tied = w
class Stack(list):
    pass
class Custom:
    def __deepcopy__(self, memo):
        return ('custom', id(self) in memo)
shared = [1, 2]
layer = Layer(shared)
layers = [copy.deepcopy(layer) for _ in range(2)]
layers[0].w.append(9)
pair = {'a': shared, 'b': shared}
deep = copy.deepcopy(pair)
shallow = copy.copy(pair)
shallow['a'].append(3)
stack = copy.deepcopy(Stack([layer, layer]))
cycle = [1]
cycle.append(cycle)
cycle_copy = copy.deepcopy(cycle)
t = (1, (2, 3))
result = (layers[0].w, layers[0].tied is layers[0].w, layers[1].w, layer.w, deep['a'] is deep['b'], deep['a'] is shared,
          shallow['a'] is shared, type(stack).__name__, stack[0] is stack[1], stack[0].w, stack[0] is layer, cycle_copy[1] is cycle_copy,
          cycle_copy is cycle, copy.deepcopy(t) is t, copy.deepcopy(Custom()), copy.deepcopy(len) is len, copy.copy(layer).w is layer.w,
          copy.copy(layer) is layer, copy.copy(stack) == stack, type(copy.copy(stack)).__name__)
`);

  it('gives a module imported under its own name its __name__ as __module__', function () {
    const interpreter = runPython('class A:\n    pass\n\ndef f():\n    pass\n\nresult = (A.__module__, f.__module__)\n', { moduleName: 'model' });
    assert.equal(interpreter.repr(interpreter.get('result')!), "('model', 'model')");
  });
});

describe('interp: errors', function () {
  before(async () => {
    await initParser();
  });

  it('raises a typed PyError with the line', function () {
    assert.throws(() => runPython('x = 1\ny = [1, 2]\nz = y[5]\n'), (error: unknown) => {
      assert.ok(error instanceof PyError);
      assert.equal(error.pyType, 'IndexError');
      assert.equal(error.line, 3);
      assert.match(error.message, /IndexError: list index out of range \(line 3\)/);
      return true;
    });
  });

  it('reports an uncaught Python exception raised inside a function at the raising line', function () {
    assert.throws(() => runPython('def f(x):\n    assert x > 0, f"bad {x}"\n    return x\n\nf(-1)\n'), (error: unknown) => {
      assert.ok(error instanceof PyError);
      assert.equal(error.pyType, 'AssertionError');
      assert.equal(error.line, 2);
      assert.match(error.message, /bad -1/);
      return true;
    });
  });

  it('names unsupported constructs and their line', function () {
    assert.throws(() => runPython('x = 1\nclass Pair(tuple):\n    pass\n'), /unsupported Python construct 'subclass of builtin 'tuple'' at line 2/);
    assert.throws(() => runPython('x = 1\nmatch x:\n    case 1:\n        pass\n'), /unsupported Python construct 'match_statement' at line 2/);
  });

  it('names what generators cannot do yet, where the generator reaches it, never a wrong value', function () {
    const generator = (body: string) => `def gen():\n${body}\n\ng = gen()\nfirst = next(g)\n`;
    // a finally or with around a yield would run its cleanup at close(), which the interpreter does not model
    assert.throws(() => runPython(generator('    try:\n        yield 1\n    finally:\n        pass')), (error: unknown) => {
      assert.ok(error instanceof Unsupported);
      assert.equal(error.line, 2);
      assert.match(error.message, /unsupported Python construct 'yield inside try with finally' at line 2/);
      return true;
    });
    // send() is unsupported, so `x = yield` (which only send() makes useful) is too
    assert.throws(() => runPython(generator('    x = yield 1')), /unsupported Python construct 'yield inside an expression' at line 2/);
    assert.throws(() => runPython(`${generator('    yield 1\n    yield 2')}g.send(5)\n`), /unsupported Python construct 'generator.send\(\)' at line 7/);
    assert.throws(() => runPython('class Stack(list):\n    def __init__(self, items):\n        list.__init__(self, items)\n\nStack([1])\n'), /unsupported Python construct 'attribute '__init__' of builtin type 'list'' at line 3/);
  });

  it('says a host value without __deepcopy__ cannot be deep-copied, rather than sharing it', function () {
    const interpreter = new Interpreter();
    interpreter.globals.assign('tensor', new HostObject('Tensor', {}));
    assert.throws(() => interpreter.run('import copy\n\nclone = copy.deepcopy([tensor])\n'), /unsupported Python construct 'copy.deepcopy of 'Tensor'' at line 3/);
  });

  it("says a host value's type does not tell its __module__, rather than guessing", function () {
    const interpreter = new Interpreter();
    interpreter.globals.assign('tensor', new HostObject('Tensor', {}));
    assert.throws(() => interpreter.run("x = 1\nsame = type(tensor).__module__ == 'builtins'\n"), /unsupported Python construct '__module__ of 'Tensor'' at line 2/);
  });

  it('stops a runaway loop at the step budget', function () {
    assert.throws(() => runPython('n = 0\nwhile True:\n    n += 1\n', { stepBudget: 10_000 }), (error: unknown) => {
      assert.ok(error instanceof StepBudgetExceeded);
      assert.match(error.message, /step budget of 10000 exceeded/);
      return true;
    });
  });

  it('does not let Python code catch the step budget', function () {
    const source = 'try:\n    while True:\n        pass\nexcept BaseException:\n    caught = True\n';
    assert.throws(() => runPython(source, { stepBudget: 1000 }), StepBudgetExceeded);
  });

  it('stops runaway recursion with RecursionError', function () {
    assert.throws(() => runPython('def f(n):\n    return f(n + 1)\nf(0)\n'), /RecursionError: maximum recursion depth exceeded \(line 2\)/);
  });

  it('reports a syntax error with its line', function () {
    assert.throws(() => runPython('x = 1\ny = (2 +\n'), (error: unknown) => error instanceof PyError && error.pyType === 'SyntaxError');
  });

  it('raises ModuleNotFoundError for imports no one provides', function () {
    assert.throws(() => runPython('import torch\n'), /ModuleNotFoundError: No module named 'torch'/);
  });
});

/** A stand-in for the tensor layer: tensors that record every operation done to them. */
class FakeTorch implements Host {
  readonly operations: string[] = [];
  private nextId = 0;

  tensor(shape: number[]): HostObject {
    const id = `t${this.nextId++}`;
    const hooks: HostHooks = {
      repr: () => `${id}${JSON.stringify(shape)}`,
      getattr: (name) => (name === 'shape' ? new PyTuple(shape) : name === 'id' ? id : undefined),
      binary: (op, other, reflected) => {
        const otherText = other instanceof HostObject ? other.hooks.repr!() : String(other instanceof PyFloat ? other.value : other);
        this.operations.push(reflected ? `${otherText} ${op} ${id}` : `${id} ${op} ${otherText}`);
        if (op === '@' && other instanceof HostObject) {
          const otherShape = (other.hooks.getattr!('shape', undefined as never) as PyTuple).items as number[];
          return this.tensor([...shape.slice(0, -1), otherShape[otherShape.length - 1]]);
        }
        return this.tensor(shape);
      },
      getitem: (key) => {
        this.operations.push(`${id}[${key instanceof PyTuple ? key.items.length : 1} keys]`);
        return this.tensor(shape.slice(1));
      },
    };
    return new HostObject('Tensor', hooks);
  }

  importModule(name: string): Value | undefined {
    if (name !== 'torch' && name !== 'torch.nn') return undefined;
    const linear = new HostObject('Linear', {
      call: ([inFeatures, outFeatures]) => {
        const weight = this.tensor([inFeatures as number, outFeatures as number]);
        return new HostObject('LinearLayer', {
          getattr: (attr) => (attr === 'weight' ? weight : undefined),
          call: ([x]) => {
            this.operations.push('linear');
            return this.binaryOf(x, '@', weight);
          },
        });
      },
    });
    const module = new HostObject('Module', {
      subclass: {
        init: (self) => {
          self.hostState = new Map<string, Value>();
        },
        setattr: (self, attrName, value) => {
          if (!(value instanceof HostObject) || value.name !== 'LinearLayer') return false;
          (self.hostState as Map<string, Value>).set(attrName, value);
          this.operations.push(`register ${attrName}`);
          return true;
        },
        getattr: (self, attrName, api) => {
          const registered = (self.hostState as Map<string, Value> | undefined)?.get(attrName);
          if (registered) return registered;
          if (attrName === '__call__') return new HostObject('forward', { call: (args, kwargs) => api.call(api.getattr(self, 'forward'), args, kwargs) });
          return undefined;
        },
      },
    });
    const nn = new HostObject('torch.nn', { getattr: (attr) => ({ Linear: linear, Module: module })[attr] });
    const randn = new HostObject('randn', { call: (args) => this.tensor(args as number[]) });
    return name === 'torch.nn' ? nn : new HostObject('torch', { getattr: (attr) => ({ nn, randn })[attr] });
  }

  private binaryOf(left: Value, op: string, right: HostObject): Value {
    return (left as HostObject).hooks.binary!(op, right, false, undefined as never)!;
  }
}

describe('interp: host values', function () {
  before(async () => {
    await initParser();
  });

  const model = `
import torch
from torch import nn

class MLP(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.up = nn.Linear(dim, hidden)
        self.down = nn.Linear(hidden, dim)
        self.scale = hidden ** -0.5

    def forward(self, x):
        h = self.up(x)
        h = h * self.scale
        y = self.down(h) + x
        first = y[:, 0]
        return first

mlp = MLP(8, 32)
x = torch.randn(2, 8)
out = mlp(x)
last_dim = x.shape[-1]
is_module = isinstance(mlp, nn.Module)
`;

  it('lets interpreted classes subclass a host class and delegates operators, items and calls', function () {
    const torch = new FakeTorch();
    const interpreter = runPython(model, { host: torch });
    assert.deepEqual(torch.operations, [
      'register up',
      'register down',
      'linear',
      't2 @ t0[8,32]',
      't3 * 0.17677669529663687',
      'linear',
      't4 @ t1[32,8]',
      't5 + t2[2,8]',
      't6[2 keys]',
    ]);
    assert.equal(interpreter.repr(interpreter.get('out')!), 't7[8]');
    assert.equal(interpreter.get('last_dim'), 8);
    assert.equal(interpreter.get('is_module'), true);
    const mlp = interpreter.get('mlp') as PyInstance;
    assert.ok(!mlp.attrs.has('up'), 'the host base stored the submodule');
    assert.equal(interpreter.repr(interpreter.getattr(mlp, 'scale')), '0.17677669529663687');
  });

  it('gives the host a reflected operator when the left operand is a Python number', function () {
    const torch = new FakeTorch();
    runPython('import torch\nx = torch.randn(3)\ny = 2 - x\nz = 1.5 * x\n', { host: torch });
    assert.deepEqual(torch.operations, ['2 - t0', '1.5 * t0']);
  });

  it('records assignments, returns and calls written in the code per line', function () {
    const records: string[] = [];
    const interpreter: Interpreter = new Interpreter({
      host: new FakeTorch(),
      onRecord: (line, name, value) => records.push(`${line} ${name} = ${interpreter.repr(value)}`),
    });
    interpreter.run(model);
    assert.deepEqual(records.filter((r) => /^(1[3-8]) /.test(r)), [
      '13 <LinearLayer> = t3[2,32]',
      '13 h = t3[2,32]',
      '14 h = t4[2,32]',
      '15 <LinearLayer> = t5[2,8]',
      '15 y = t6[2,8]',
      '16 first = t7[8]',
      '17 return = t7[8]',
    ]);
    assert.ok(records.includes('22 last_dim = 8'));
  });

  it('skips the main block when run under a module name', function () {
    const source = 'ran = False\nif __name__ == "__main__":\n    ran = True\nkind = type(3).__name__\n';
    assert.equal(runPython(source).get('ran'), true);
    assert.equal(runPython(source, { moduleName: 'model' }).get('ran'), false);
    assert.equal(runPython(source).get('kind'), 'int');
  });

  it('captures print output', function () {
    const interpreter = runPython('print("a", 1, 2.0, None, sep="|")\nprint([1], end="")\n');
    assert.equal(interpreter.output, 'a|1|2.0|None\n[1]');
  });
});
