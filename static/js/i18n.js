// The scripts' translations come from Django's JavaScript catalogue (/jsi18n/<language>.js,
// loaded just before this). Offline, before the service worker has kept it, the page still
// works: English, the source language, from these stand-ins.
(() => {
  if (typeof window.gettext === "function") return;
  window.gettext = (text) => text;
  window.ngettext = (singular, plural, count) => (count === 1 ? singular : plural);
  window.pgettext = (context, text) => text;
  window.interpolate = (format, values, named) =>
    named ? format.replace(/%\(\w+\)s/g, (match) => String(values[match.slice(2, -2)])) : format.replace(/%s/g, () => String(values.shift()));
})();
