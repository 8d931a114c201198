/* export_raster.c - the plot as PNG or PDF: the SVG export rendered by
 * librsvg onto a cairo surface (see export.h), so that the three formats
 * hold the same drawing.
 *
 * Part of tnmlab (repl layer).  SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "export.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cairo's stream writer onto the export's temporary file */
static cairo_status_t to_file(void *closure, const unsigned char *data, unsigned int len) {
    return fwrite(data, 1, len, (FILE *)closure) == len ? CAIRO_STATUS_SUCCESS
                                                        : CAIRO_STATUS_WRITE_ERROR;
}

int export_raster(FILE *f, export_format fmt, const char *svg, size_t len, char *err,
                  size_t errlen) {
    if (fmt != EXPORT_PNG && fmt != EXPORT_PDF) {
        snprintf(err, errlen, "a raster export is .png or .pdf");
        return -1;
    }
    GError *ge = NULL;
    RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, len, &ge);
    if (h == NULL) {
        snprintf(err, errlen, "rendering the SVG: %s", ge ? ge->message : "librsvg failed");
        if (ge)
            g_error_free(ge);
        return -1;
    }
    gdouble w = 0, hh = 0;
    if (!rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh) || w <= 0 || hh <= 0) {
        snprintf(err, errlen, "rendering the SVG: it has no size");
        g_object_unref(h);
        return -1;
    }
    /* PNG: the SVG's own pixels; PDF: the same size in points, vectors */
    cairo_surface_t *sf = fmt == EXPORT_PNG
                              ? cairo_image_surface_create(CAIRO_FORMAT_ARGB32, (int)w, (int)hh)
                              : cairo_pdf_surface_create_for_stream(to_file, f, w, hh);
    cairo_t *cr = cairo_create(sf);
    RsvgRectangle vp = {0, 0, w, hh};
    int rc = -1;
    if (fmt == EXPORT_PNG) { /* the SVG's white background, not transparency */
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    if (!rsvg_handle_render_document(h, cr, &vp, &ge)) {
        snprintf(err, errlen, "rendering the SVG: %s", ge ? ge->message : "librsvg failed");
        if (ge)
            g_error_free(ge);
        goto done;
    }
    cairo_destroy(cr);
    cr = NULL;
    if (fmt == EXPORT_PNG &&
        cairo_surface_write_to_png_stream(sf, to_file, f) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "writing the PNG failed");
        goto done;
    }
    cairo_surface_finish(sf); /* the PDF is written here */
    if (cairo_surface_status(sf) != CAIRO_STATUS_SUCCESS) {
        snprintf(err, errlen, "writing the %s: %s", fmt == EXPORT_PNG ? "PNG" : "PDF",
                 cairo_status_to_string(cairo_surface_status(sf)));
        goto done;
    }
    rc = 0;
done:
    if (cr)
        cairo_destroy(cr);
    cairo_surface_destroy(sf);
    g_object_unref(h);
    return rc;
}
