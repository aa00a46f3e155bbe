// Loaded as a file, not inline, so the page works under the strict CSP (script-src 'self').
/* global SwaggerUIBundle, SwaggerUIStandalonePreset */
window.addEventListener('load', () => {
  window.ui = SwaggerUIBundle({
    urls: [
      { url: '/api/events/openapi.json', name: 'event-service' },
      { url: '/api/users/openapi.json', name: 'user-service' },
      { url: '/api/notifications/openapi.json', name: 'notification-service' },
      { url: '/api/audit/openapi.json', name: 'audit-service' },
    ],
    'urls.primaryName': 'event-service',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
    validatorUrl: null,
    tryItOutEnabled: false,
  });
});
