/**
 * Reads manifest.yml the way the Forge platform does for this app: the apiRoute list is the ONLY
 * route table of the local gateway, and function handlers (`index.<exportName>`) name the export
 * that serves each route.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

export const DEFAULT_MANIFEST_PATH = resolve(__dirname, '../../manifest.yml');

const ManifestSchema = z.object({
  modules: z.object({
    apiRoute: z
      .array(
        z.object({
          key: z.string(),
          path: z.string().regex(/^\/[a-zA-Z0-9]+(\/[a-zA-Z0-9]+|\/\*)*(\/\*\*)?$/),
          operation: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']),
          function: z.string(),
          scopes: z.array(z.string()).min(1),
        }),
      )
      .default([]),
    function: z.array(
      z.object({ key: z.string(), handler: z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_$]+$/), timeoutSeconds: z.number().int().positive().optional() }),
    ),
    scheduledTrigger: z.array(z.object({ key: z.string(), function: z.string(), interval: z.string(), filter: z.object({ appIsLicensed: z.boolean().optional() }).optional() })).default([]),
    trigger: z.array(z.object({ key: z.string(), function: z.string(), events: z.array(z.string()) })).default([]),
  }).catchall(z.unknown()),
  app: z.object({ id: z.string().regex(/^ari:cloud:ecosystem::app\/[0-9a-f-]{36}$/) }),
});

export interface ApiRoute {
  key: string;
  method: string;
  path: string;
  segments: string[];
  functionKey: string;
  /** export name of the function module's handler (`index.<exportName>`) */
  exportName: string;
  scopes: string[];
}

/** A Custom UI module (has a `resource`): its key and Forge module type, e.g. `macro`. */
export interface UiModule {
  key: string;
  type: string;
}

/** A function the platform invokes on its own (scheduled trigger): which export, how often, how long it may run. */
export interface ScheduledFunction {
  key: string;
  interval: string;
  /** `filter.appIsLicensed`: the platform skips the run on a site without an active licence */
  licensedOnly: boolean;
  functionKey: string;
  exportName: string;
  /** The function's `timeoutSeconds` (Forge allows up to 900 s for scheduled triggers), else Forge's 25 s. */
  timeoutMs: number;
}

/** The content byline item: its static title, and the export of its `dynamicProperties` function if it declares one. */
export interface BylineModule {
  key: string;
  title: string;
  dynamicPropertiesExport?: string;
}

/** A product-event trigger: which events reach which export. */
export interface EventTrigger {
  key: string;
  events: string[];
  functionKey: string;
  exportName: string;
}

export interface AppManifest {
  appId: string;
  routes: ApiRoute[];
  uiModules: UiModule[];
  scheduled: ScheduledFunction[];
  triggers: EventTrigger[];
  byline?: BylineModule;
}

const BylineSchema = z.object({ key: z.string(), title: z.string(), dynamicProperties: z.object({ function: z.string() }).optional() });

const UiModuleSchema = z.object({ key: z.string(), resource: z.string() });

export function loadManifest(file: string = DEFAULT_MANIFEST_PATH): AppManifest {
  const parsed = ManifestSchema.parse(parse(readFileSync(file, 'utf8')));
  const resolve = functionResolver(parsed.modules.function);
  const routes = parsed.modules.apiRoute.map((route): ApiRoute => {
    const fn = resolve(`apiRoute ${route.key}`, route.function);
    return { key: route.key, method: route.operation, path: route.path, segments: route.path.split('/').slice(1), functionKey: fn.key, exportName: fn.exportName, scopes: route.scopes };
  });
  const uiModules: UiModule[] = [];
  for (const [type, entries] of Object.entries(parsed.modules)) {
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const ui = UiModuleSchema.safeParse(entry);
      if (ui.success) uiModules.push({ key: ui.data.key, type });
    }
  }
  const scheduled = parsed.modules.scheduledTrigger.map((trigger): ScheduledFunction => {
    const fn = resolve(`scheduledTrigger ${trigger.key}`, trigger.function);
    return { key: trigger.key, interval: trigger.interval, licensedOnly: trigger.filter?.appIsLicensed === true, functionKey: fn.key, exportName: fn.exportName, timeoutMs: fn.timeoutMs };
  });
  const triggers = parsed.modules.trigger.map((trigger): EventTrigger => {
    const fn = resolve(`trigger ${trigger.key}`, trigger.function);
    return { key: trigger.key, events: trigger.events, functionKey: fn.key, exportName: fn.exportName };
  });
  const appId = parsed.app.id.replace('ari:cloud:ecosystem::app/', '');
  return { appId, routes, uiModules, scheduled, triggers, byline: bylineOf(parsed.modules['confluence:contentBylineItem'], resolve) };
}

type FunctionResolver = (referrer: string, functionKey: string) => { key: string; exportName: string; timeoutMs: number };

/** A module's `function` key → the function module: its export (`index.<exportName>`) and time limit; unknown keys fail loading. */
function functionResolver(functions: { key: string; handler: string; timeoutSeconds?: number }[]): FunctionResolver {
  const byKey = new Map(functions.map((f) => [f.key, f]));
  return (referrer, functionKey) => {
    const fn = byKey.get(functionKey);
    if (!fn) throw new Error(`manifest: ${referrer} references unknown function ${functionKey}`);
    return { key: fn.key, exportName: fn.handler.slice(fn.handler.indexOf('.') + 1), timeoutMs: (fn.timeoutSeconds ?? 25) * 1000 };
  };
}

function bylineOf(entries: unknown, resolve: FunctionResolver): BylineModule | undefined {
  const first = Array.isArray(entries) ? BylineSchema.safeParse(entries[0]) : undefined;
  if (!first?.success) return undefined;
  const { key, title, dynamicProperties } = first.data;
  if (!dynamicProperties) return { key, title };
  return { key, title, dynamicPropertiesExport: resolve(`byline ${key} dynamicProperties`, dynamicProperties.function).exportName };
}

/**
 * `*` matches exactly one segment; a trailing `**` matches one or more segments. Literal routes
 * win over wildcard ones (Forge's precedence is undocumented; the manifest avoids overlaps anyway).
 */
export function matchRoute(routes: ApiRoute[], method: string, userPath: string): ApiRoute | undefined {
  const segments = userPath.replace(/\/$/, '').split('/').slice(1);
  const candidates = routes.filter((route) => route.method === method && segmentsMatch(route.segments, segments));
  return candidates.sort((a, b) => wildcardCount(a) - wildcardCount(b))[0];
}

function segmentsMatch(pattern: string[], segments: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i];
    if (part === '**') return segments.length > i;
    if (i >= segments.length) return false;
    if (part === '*') {
      if (segments[i] === '') return false;
    } else if (part !== segments[i]) {
      return false;
    }
  }
  return segments.length === pattern.length;
}

function wildcardCount(route: ApiRoute): number {
  return route.segments.filter((s) => s === '*' || s === '**').length;
}
