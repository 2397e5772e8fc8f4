(function () {
  // Offline copy of this page, only for groups whose campaign.toml sets offline = true.
  // A service worker needs https (or localhost); opened from disk (file://) nothing happens.
  var local = location.hostname === "localhost" || location.hostname === "127.0.0.1";
  if (!("serviceWorker" in navigator) || !(location.protocol === "https:" || local)) { return; }
  navigator.serviceWorker.register("sw.js", { scope: "./" }).catch(function () {});
})();
