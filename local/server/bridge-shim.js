// @ts-check
/*
 * ApprovalFlow local runtime: stand-in for the Forge host's Custom UI bridge.
 * @forge/bridge (unchanged, as bundled in static/dist) calls window.__bridge.callBridge(type, payload)
 * at import time; this file must therefore load before the app bundle. The local runtime injects it
 * as the first <script> of the Custom UI's index.html. Plain ES2019, no build step.
 *
 * Context comes from the iframe URL (moduleKey, pageId, spaceId, spaceKey, localId), the acting user
 * from the af_user cookie the site's user switcher sets, and site facts from GET /local/info.
 */
(function () {
  'use strict';
  var DEFAULT_USER = 'acc-bob';
  var infoPromise = null;

  function params() {
    return new URLSearchParams(window.location.search || '');
  }

  function actingUser() {
    return cookie('af_user') || DEFAULT_USER;
  }

  function cookie(name) {
    var cookies = (window.document && window.document.cookie ? window.document.cookie : '').split(';');
    for (var i = 0; i < cookies.length; i++) {
      var pair = cookies[i].trim().split('=');
      if (pair[0] === name && pair[1]) return decodeURIComponent(pair[1]);
    }
    return undefined;
  }

  // view.theme.enable(): the host sets the colour mode on the app's <html>, as Forge does
  // (local: the af_theme cookie, light by default).
  function enableTheming() {
    var mode = cookie('af_theme') === 'dark' ? 'dark' : 'light';
    if (document.documentElement) document.documentElement.setAttribute('data-color-mode', mode);
  }

  // App events (events.emit/on) reach the app's other iframes on the page, as on Forge; the host
  // page hears them too (e.g. to refresh the byline title).
  var EVENT_MESSAGE = 'approvalflow-local-event';
  function emitEvent(payload) {
    var message = { type: EVENT_MESSAGE, event: payload.event, payload: payload.payload };
    var top = window.top || window;
    var frames = [];
    try {
      for (var i = 0; i < top.frames.length; i++) frames.push(top.frames[i]);
    } catch (err) {
      frames = [];
    }
    frames.forEach(function (frame) {
      if (frame !== window) frame.postMessage(message, '*');
    });
    if (top !== window) top.postMessage(message, '*');
    return true;
  }
  function onEvent(payload) {
    var listener = function (e) {
      if (e.data && e.data.type === EVENT_MESSAGE && e.data.event === payload.event) payload.callback(e.data.payload);
    };
    window.addEventListener('message', listener);
    return {
      unsubscribe: function () {
        window.removeEventListener('message', listener);
      },
    };
  }

  // router.navigate/open with a Forge NavigationLocation, mapped to the local site's addresses.
  function locationUrl(target) {
    if (typeof target.url === 'string') return Promise.resolve(target.url);
    if (target.target === 'contentView' || target.target === 'contentEdit') {
      var headers = { 'x-local-account-id': actingUser() };
      return fetch(url('/wiki/api/v2/pages/' + encodeURIComponent(target.contentId)), { headers: headers })
        .then(function (res) {
          return res.json();
        })
        .then(function (page) {
          return fetch(url('/wiki/api/v2/spaces/' + encodeURIComponent(page.spaceId)), { headers: headers }).then(function (res) {
            return res.json();
          });
        })
        .then(function (space) {
          return '/wiki/spaces/' + encodeURIComponent(space.key) + '/pages/' + encodeURIComponent(target.contentId);
        });
    }
    if (target.target === 'module' && target.spaceKey) {
      return Promise.resolve('/wiki/spaces/' + encodeURIComponent(target.spaceKey) + '/apps/approvals' + (target.path ? '?path=' + encodeURIComponent(target.path) : ''));
    }
    if (target.target === 'spaceView') return Promise.resolve('/wiki/spaces/' + encodeURIComponent(target.spaceKey) + '/apps/approvals');
    return Promise.reject(new Error('The local site cannot open ' + target.target + '.'));
  }
  function navigate(target) {
    return locationUrl(target || {}).then(function (address) {
      if (target.type === 'new-tab') window.open(address, '_blank');
      else (window.top || window).location.href = address;
    });
  }

  function url(path) {
    return new URL(path, window.location.href).toString();
  }

  function siteInfo() {
    if (!infoPromise) {
      infoPromise = fetch(url('/local/info')).then(function (res) {
        if (!res.ok) throw new Error('local runtime info unavailable (' + res.status + ')');
        return res.json();
      });
    }
    return infoPromise;
  }

  function extensionFor(moduleType, query) {
    var space = query.get('spaceId') ? { id: query.get('spaceId'), key: query.get('spaceKey') || undefined } : undefined;
    if (moduleType === 'macro' || moduleType === 'confluence:contentBylineItem') {
      var extension = { type: moduleType, content: { id: query.get('pageId'), type: 'page' }, space: space, isEditing: false };
      if (moduleType === 'macro') extension.config = {};
      return extension;
    }
    if (moduleType === 'confluence:spacePage') return { type: moduleType, space: space };
    return { type: moduleType };
  }

  function getContext() {
    var query = params();
    var moduleKey = query.get('moduleKey') || '';
    return siteInfo().then(function (info) {
      var module = (info.uiModules || []).filter(function (m) {
        return m.key === moduleKey;
      })[0];
      return {
        accountId: actingUser(),
        cloudId: info.cloudId,
        siteUrl: info.siteUrl,
        environmentId: info.environmentId,
        environmentType: 'DEVELOPMENT',
        moduleKey: moduleKey,
        localId: query.get('localId') || moduleKey + '-' + (query.get('pageId') || query.get('spaceKey') || 'global'),
        locale: 'en-US',
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
        license: { active: info.licenseActive !== false, isActive: info.licenseActive !== false },
        userAccess: { enabled: true, hasAccess: true },
        extension: extensionFor(module ? module.type : 'unknown', query),
      };
    });
  }

  function invoke(payload) {
    return getContext().then(function (context) {
      return fetch(url('/local/invoke'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-local-account-id': context.accountId },
        body: JSON.stringify({
          moduleKey: context.moduleKey,
          localId: context.localId,
          functionKey: payload.functionKey,
          payload: payload.payload,
          extension: context.extension,
        }),
      }).then(function (res) {
        if (res.status === 204) return wrap(undefined, payload);
        return res.text().then(function (text) {
          var body = text ? JSON.parse(text) : undefined;
          if (!res.ok) {
            // Forge rejects invoke() when the resolver throws; the UI sees an Error, not a body.
            throw new Error((body && body.error) || 'There was an error invoking the function.');
          }
          // tell the host page something may have changed (it refreshes the byline title, as Forge does after an action)
          notifyHost('approvalflow:invoked');
          return wrap(body, payload);
        });
      });
    });
  }

  function postToTop(message) {
    try {
      var top = window.top || window;
      top.postMessage(message, window.location.origin);
    } catch (e) {
      // a host on another origin simply does not hear it
    }
  }

  function notifyHost(type) {
    try {
      if (window.parent !== window) window.parent.postMessage({ type: type }, window.location.origin);
    } catch (e) {
      // a host on another origin simply does not hear it
    }
  }

  function wrap(body, payload) {
    // With metadata, @forge/bridge expects { body, metadata } back (see its invoke.js).
    return payload.metadata ? { body: body, metadata: {} } : body;
  }

  function fetchProduct(payload) {
    var init = payload.fetchRequestInit || {};
    if (typeof payload.restPath !== 'string' || payload.restPath.indexOf('/wiki/') !== 0) {
      return Promise.reject(new Error('The local site only serves Confluence REST paths under /wiki/.'));
    }
    /** @type {Record<string, string>} */
    var headers = {};
    (init.headers || []).forEach(function (pair) {
      headers[pair[0]] = pair[1];
    });
    headers['x-local-account-id'] = actingUser();
    return fetch(url(payload.restPath), { method: init.method || 'GET', headers: headers, body: init.body || undefined }).then(function (res) {
      return res.text().then(function (text) {
        var responseHeaders = {};
        res.headers.forEach(function (value, name) {
          responseHeaders[name] = value;
        });
        return { body: text, headers: responseHeaders, status: res.status, statusText: res.statusText, isAttachment: false };
      });
    });
  }

  // In-memory router history, enough for a space page's internal routes.
  function createHistory() {
    var listeners = [];
    // A module path from router.navigate({target:'module', path}) arrives as ?path= on the host page.
    var initialPath = '/';
    try {
      initialPath = '/' + (new URLSearchParams((window.top || window).location.search).get('path') || '').replace(/^\/+/, '');
    } catch (err) {
      initialPath = '/';
    }
    var history = {
      action: 'POP',
      location: { pathname: initialPath, search: '', hash: '', state: null, key: 'default' },
      listen: function (listener) {
        listeners.push(listener);
        return function () {
          listeners = listeners.filter(function (l) {
            return l !== listener;
          });
        };
      },
      push: function (to, state) {
        navigate('PUSH', to, state);
      },
      replace: function (to, state) {
        navigate('REPLACE', to, state);
      },
      go: function () {},
      back: function () {},
      forward: function () {},
    };
    function navigate(action, to, state) {
      var target = typeof to === 'string' ? new URL(to, 'http://local' + history.location.pathname) : null;
      history.action = action;
      history.location = target
        ? { pathname: target.pathname, search: target.search, hash: target.hash, state: state || null, key: String(Date.now()) }
        : { pathname: to.pathname || '/', search: to.search || '', hash: to.hash || '', state: state || null, key: String(Date.now()) };
      listeners.slice().forEach(function (listener) {
        listener(history.location, action);
      });
    }
    return Promise.resolve(history);
  }

  var handlers = {
    getContext: getContext,
    invoke: invoke,
    fetchProduct: fetchProduct,
    createHistory: createHistory,
    // UI affordances of the host page that have no local equivalent: accepted and ignored.
    enableTheming: enableTheming,
    emit: emitEvent,
    // Flags are the host's: the site page shows them outside the iframes (site-pages.ts HOST_FLAGS).
    showFlag: function (flag) {
      postToTop({ type: 'approvalflow:flag', flag: flag });
      return true;
    },
    closeFlag: function (payload) {
      postToTop({ type: 'approvalflow:close-flag', id: payload && payload.id });
      return true;
    },
    submit: function () {
      return true;
    },
    close: function () {
      notifyHost('approvalflow:close');
      return true;
    },
    refresh: function () {
      window.location.reload();
      return true;
    },
    open: function () {
      return true;
    },
    on: onEvent,
    onPublic: function () {
      return { unsubscribe: function () {} };
    },
    navigate: navigate,
    getUrl: function (target) {
      return locationUrl(target || {}).then(function (address) {
        return new URL(address, window.location.href).toString();
      });
    },
  };

  // The global @forge/bridge looks for; not part of the DOM's Window type.
  /** @type {any} */ (window).__bridge = {
    callBridge: function (type, payload) {
      var handler = handlers[type];
      if (!handler) return Promise.resolve(undefined);
      try {
        return Promise.resolve(handler(payload));
      } catch (err) {
        return Promise.reject(err);
      }
    },
  };
})();
