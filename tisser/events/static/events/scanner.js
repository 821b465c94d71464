/* In-page QR scanner of the check-in page, with the browser's own BarcodeDetector where
   it exists (no library). A ticket's QR code holds the signed check-in link: when one is
   seen, the page opens it. Elsewhere the button stays hidden: the phone's camera app
   opens the same link. */
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var start = document.getElementById("scanner-start");
  var video = document.getElementById("scanner-video");
  var status = document.getElementById("scanner-status");
  var prefixes = box.dataset.prefixes.split(" ").filter(Boolean).map(function (prefix) {
    return new URL(prefix, window.location.href).href;
  });
  function isTicket(value) {
    return prefixes.some(function (prefix) { return value.indexOf(prefix) === 0; });
  }
  var stream = null;
  var timer = null;
  box.hidden = false;

  function stop() {
    if (timer) window.clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    stream = null;
    video.hidden = true;
  }

  start.addEventListener("click", function () {
    if (stream) { stop(); return; }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        video.hidden = false;
        status.textContent = box.dataset.looking;
        return video.play();
      })
      .then(function () {
        timer = window.setInterval(function () {
          detector.detect(video).then(function (codes) {
            for (var i = 0; i < codes.length; i++) {
              var value = codes[i].rawValue || "";
              if (isTicket(value)) {
                stop();
                status.textContent = box.dataset.found;
                window.location.assign(value);
                return;
              }
              status.textContent = box.dataset.notTicket;
            }
          }).catch(function () {});
        }, 300);
      })
      .catch(function () {
        stop();
        status.textContent = box.dataset.noCamera;
      });
  });
})();
