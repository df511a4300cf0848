// feedkit preview: reload this page once a post, feedkit.toml or a template is saved.
// The page works without it; it only saves pressing reload.
(function () {
  var token = document.currentScript.dataset.token;
  var events = new EventSource("/events?since=" + encodeURIComponent(token));
  events.onmessage = function () {
    events.close();
    location.reload();
  };
})();
