// Starts Swagger UI on the SIAP API documentation page
// (/api-siap/v0/schema-ui/): the document's URL is in data-url.
window.addEventListener("DOMContentLoaded", function () {
  var el = document.getElementById("swagger-ui");
  if (!el || !window.SwaggerUIBundle) {
    return;
  }
  window.SwaggerUIBundle({
    url: el.getAttribute("data-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
  });
});
