/* The API browser (/docs): Swagger UI on the app's own OpenAPI document. A static file, as
   the Content-Security-Policy allows no inline script. */
(function () {
  "use strict";
  var host = document.getElementById("swagger-ui");
  var csrf = host.dataset.csrf;
  window.ui = SwaggerUIBundle({
    url: host.dataset.url,
    domNode: host,
    layout: "BaseLayout",  /* no top bar: the site's own header is above */
    presets: [SwaggerUIBundle.presets.apis],
    deepLinking: false,  /* its links sit inside the operations' buttons (axe: nested-interactive) */
    validatorUrl: null,  /* no badge fetched from validator.swagger.io */
    /* signed in, "Try it out" runs as the session: the API asks a session for its CSRF
       header on any request that changes something; sent to this site only */
    requestInterceptor: function (request) {
      var target = new URL(request.url, window.location.href);
      if (csrf && target.origin === window.location.origin) {
        request.headers["X-CSRF-Token"] = csrf;
      }
      return request;
    }
  });
})();
