// Text of values as Python prints them: repr(), str(), and format specs for f-strings and format().
import {
  BoundMethod, BuiltinFunction, HostObject, PyClass, PyDict, PyEllipsis, PyFloat, PyFunction, PyInstance, PyList,
  PyModule, PyRange, PySet, PySlice, PyTuple, isException, numberOf, pyError, typeName, type Value,
} from './values';

/** Python's repr of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  const text = x.toFixed(Math.max(0, mantissa.replace(/^-?\d\.?/, '').length - exponent));
  return text.includes('.') ? text : `${text}.0`;
}

/** repr(); `custom` renders instances whose classes define __repr__ (the caller owns calling into Python). */
export function repr(value: Value, custom?: (instance: PyInstance) => string | undefined): string {
  const inner = (v: Value) => repr(v, custom);
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return stringRepr(value);
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (value instanceof PyList) return `[${value.items.map(inner).join(', ')}]`;
  if (value instanceof PyTuple) return value.items.length === 1 ? `(${inner(value.items[0])},)` : `(${value.items.map(inner).join(', ')})`;
  if (value instanceof PyDict) return `{${[...value.entries.values()].map(([k, v]) => `${inner(k)}: ${inner(v)}`).join(', ')}}`;
  if (value instanceof PySet) return setRepr(value, inner);
  if (value instanceof PyRange) return value.step === 1 ? `range(${value.start}, ${value.stop})` : `range(${value.start}, ${value.stop}, ${value.step})`;
  if (value instanceof PySlice) return `slice(${inner(value.start)}, ${inner(value.stop)}, ${inner(value.step)})`;
  if (value instanceof PyEllipsis) return 'Ellipsis';
  if (value instanceof PyFunction) return `<function ${value.name}>`;
  if (value instanceof BuiltinFunction) return `<built-in function ${value.name}>`;
  if (value instanceof BoundMethod) return `<bound method ${repr(value.fn)}>`;
  if (value instanceof PyClass) return `<class '${value.name}'>`;
  if (value instanceof PyModule) return `<module '${value.name}'>`;
  if (value instanceof HostObject) return value.hooks.repr?.() ?? `<${value.name}>`;
  if (value instanceof PyInstance) {
    const text = custom?.(value);
    if (text !== undefined) return text;
    const className = value.cls.name;
    if (isException(value)) return `${className}(${(value.attrs.get('args') as PyTuple).items.map(inner).join(', ')})`;
    return `<${className} object>`;
  }
  return `<${value.constructor.name}>`;
}

function setRepr(set: PySet, inner: (v: Value) => string): string {
  const items = set.entries.size ? `{${[...set.entries.values()].map(inner).join(', ')}}` : '';
  return set.frozen ? `frozenset(${items})` : items || 'set()';
}

/** str(): as repr() except for strings themselves, floats' shared form, and exceptions' messages. */
export function str(value: Value, custom?: (instance: PyInstance) => string | undefined): string {
  if (typeof value === 'string') return value;
  if (isException(value) && !custom?.(value)) {
    const args = (value.attrs.get('args') as PyTuple).items;
    return args.length === 1 ? str(args[0], custom) : args.length ? repr(new PyTuple(args), custom) : '';
  }
  return repr(value, custom);
}

function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/\r/g, '\\r');
  return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote;
}

const specPattern = /^(?:(.)?([<>^=]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

/** format(value, spec) for numbers and strings: fill/align, sign, width, grouping, precision and the common types. */
export function formatWithSpec(value: Value, spec: string, asString: (v: Value) => string): string {
  if (!spec) return asString(value);
  const match = specPattern.exec(spec);
  if (!match) throw pyError('ValueError', `Invalid format specifier '${spec}'`);
  const [, fillChar, align, sign, , zeroPad, widthText, grouping, precisionText, type] = match;
  const number = numberOf(value);
  let body: string;
  if (number && typeof value !== 'string') {
    body = formatNumber(number.value, number.isFloat, type, precisionText === undefined ? undefined : Number(precisionText), grouping);
    if (sign === '+' && !body.startsWith('-')) body = `+${body}`;
    if (sign === ' ' && !body.startsWith('-')) body = ` ${body}`;
  } else {
    if (type && type !== 's') throw pyError('ValueError', `Unknown format code '${type}' for object of type '${typeName(value)}'`);
    body = asString(value);
    if (precisionText !== undefined) body = body.slice(0, Number(precisionText));
  }
  const width = widthText ? Number(widthText) : 0;
  if (body.length >= width) return body;
  const fill = fillChar ?? (zeroPad ? '0' : ' ');
  const alignment = align ?? (zeroPad ? '=' : number && typeof value !== 'string' ? '>' : '<');
  const padding = width - body.length;
  if (alignment === '<') return body + fill.repeat(padding);
  if (alignment === '>') return fill.repeat(padding) + body;
  if (alignment === '^') return fill.repeat(Math.floor(padding / 2)) + body + fill.repeat(Math.ceil(padding / 2));
  const signLength = /^[+\- ]/.test(body) ? 1 : 0;
  return body.slice(0, signLength) + fill.repeat(padding) + body.slice(signLength);
}

function formatNumber(x: number, isFloat: boolean, type: string | undefined, precision: number | undefined, grouping: string | undefined): string {
  const group = (digits: string) => (grouping ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, grouping) : digits);
  const withGrouping = (text: string) => {
    const [whole, fraction] = text.split('.');
    return group(whole) + (fraction !== undefined ? `.${fraction}` : '');
  };
  switch (type) {
    case 'd':
      if (isFloat) throw pyError('ValueError', "Unknown format code 'd' for object of type 'float'");
      return withGrouping(String(x));
    case 'f':
    case 'F':
      return withGrouping(fixed(x, precision ?? 6));
    case 'e':
    case 'E': {
      const text = exponential(x, precision ?? 6);
      return type === 'E' ? text.toUpperCase() : text;
    }
    case '%':
      return `${withGrouping(fixed(x * 100, precision ?? 6))}%`;
    case 'g':
    case 'G':
      return general(x, precision ?? 6);
    case 'x':
      return x.toString(16);
    case 'X':
      return x.toString(16).toUpperCase();
    case 'b':
      return x.toString(2);
    case 'o':
      return x.toString(8);
    default:
      if (precision !== undefined) return general(x, precision);
      return withGrouping(isFloat ? floatRepr(x) : String(x));
  }
}

function fixed(x: number, precision: number): string {
  return Number.isFinite(x) ? fixedHalfEven(x, precision) : floatRepr(x);
}

/** x.toFixed(places) with Python's rule for exact ties (the binary value exactly halfway): the even digit wins,
 *  where toFixed rounds away from zero. */
export function fixedHalfEven(x: number, places: number): string {
  const text = x.toFixed(places);
  if (Math.abs(x) >= 1e21 || places > 40) return text;
  const exact = Math.abs(x).toFixed(places + 60);
  const point = exact.indexOf('.');
  if (!/^50*$/.test(exact.slice(point + 1 + places))) return text;
  const truncated = exact.slice(0, places ? point + 1 + places : point);
  const isEven = Number(truncated[truncated.length - 1]) % 2 === 0;
  return isEven ? (x < 0 ? '-' : '') + truncated : text;
}

function exponential(x: number, precision: number): string {
  if (!Number.isFinite(x)) return floatRepr(x);
  const [mantissa, exponent] = x.toExponential(precision).split('e');
  const power = Number(exponent);
  return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
}

/** The 'g' presentation: significant digits, trailing zeros removed, exponent form outside [1e-4, 10**precision). */
function general(x: number, precision: number): string {
  if (!Number.isFinite(x)) return floatRepr(x);
  const significant = Math.max(1, precision);
  if (x === 0) return '0';
  const power = Number(x.toExponential(significant - 1).split('e')[1]);
  const trim = (text: string) => (text.includes('.') ? text.replace(/\.?0+$/, '') : text);
  if (power < -4 || power >= significant) {
    const [mantissa, exponent] = exponential(x, significant - 1).split('e');
    return `${trim(mantissa)}e${exponent}`;
  }
  return trim(x.toFixed(significant - 1 - power));
}
