/**
 * Quoting for ffmpeg filtergraph text (libavfilter's two levels of
 * av_get_token): a filter option value is quoted once for the option parser,
 * then the filter's whole argument string is escaped for the graph parser.
 * Paths with quotes, colons, commas, brackets, backslashes, `$()`, spaces or
 * any other character survive both.
 */

/** One option value, for the filter's option parser: single-quoted, a `'` written as `'\''`. */
export function quoteOptionValue(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** A filter's argument string, for the graph parser: backslash before `\ ' [ ] , ;`. */
export function escapeFilterArgs(args: string): string {
  return args.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** `name=key=value:key=value` with every value quoted and the whole escaped for the graph. */
export function filterWithOptions(name: string, options: Record<string, string | number>): string {
  const args = Object.entries(options)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? String(v) : quoteOptionValue(v)}`)
    .join(':');
  return `${name}=${escapeFilterArgs(args)}`;
}
