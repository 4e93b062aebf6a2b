// The API documentation page: Swagger UI over the served OpenAPI document (no inline script: the CSP forbids it).
document.addEventListener("DOMContentLoaded", function () {
  var target = document.getElementById("api-docs");
  if (!target || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: target.getAttribute("data-spec-url"),
    domNode: target,
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
