(function () {
  var exit = document.getElementById("quick-exit");
  if (!exit) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.style.visibility = "hidden";
    window.location.replace(exit.href);
  }
  exit.addEventListener("click", leave);
  var presses = 0, timer = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1000);
    if (presses >= 3) { leave(); }
  });
})();
