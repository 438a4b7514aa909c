/* The presence code's countdown: the server says how many seconds its code has left (its own clock
   decides, not the device's, which may be off); this ticks them down and loads the next code at
   zero. Without JavaScript the page's meta refresh does the reload and the text stays as served. */
(function () {
  var box = document.getElementById("countdown");
  if (!box) { return; }
  var left = parseInt(box.dataset.seconds, 10);
  if (!(left >= 0)) { return; }
  var words = document.getElementById("countdown-words").innerHTML;
  var text = document.getElementById("countdown-text");
  var bar = document.getElementById("countdown-bar");
  var end = Date.now() + left * 1000;
  function tick() {
    var s = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    text.textContent = words.replace("{s}", String(s));
    bar.value = s;
    if (s <= 0) {
      window.location.reload();
      return;
    }
    window.setTimeout(tick, 250);
  }
  tick();
})();
