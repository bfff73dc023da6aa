/* The screener's fast path, pass "prepare" in one C loop: fold every character one for one, then drop the
 * interference characters, and keep the breakpoints that map the result back to the text.
 *
 * It is `normalize.prepare` (the definition, in Python, which the tests compare it with) for the texts it
 * can take: every character in the Basic Multilingual Plane and none whose fold is longer than one
 * character. For any other text it returns None and the caller uses `normalize.prepare`.
 *
 * prepare16(text, folds, classes) -> (prepared, utf16le, t_starts, s_starts) | None
 *   folds:   65,536 uint16 in native byte order, the fold of each code point (0: itself)
 *   classes: 65,536 bytes of flags, built in normalize.py from the same constants as the regexes:
 *            NOISE, STRICT (symbol noise), CJK, ALNUM ([a-z0-9]) of a folded character, EXPAND of a text one
 *
 * The drop rule is FAST_INTERFERENCE_RE's (normalize.py), with its backtracking: 1..MAX noise characters
 * after a Chinese character and before a word character, or after a letter or digit and before a Chinese
 * character; or 1..MAX symbol-noise characters between letters or digits. Everything is looked at in the
 * folded text, as the regex sees it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define NOISE 1
#define STRICT 2
#define CJK 4
#define ALNUM 8
#define EXPAND 16
#define WORD (CJK | ALNUM)
#define MAX_INTERFERENCE 3

static int append_pair(PyObject *t_list, PyObject *s_list, Py_ssize_t t, Py_ssize_t s) {
    PyObject *a = PyLong_FromSsize_t(t);
    PyObject *b = PyLong_FromSsize_t(s);
    int rc = -1;
    if (a && b && PyList_Append(t_list, a) == 0 && PyList_Append(s_list, b) == 0)
        rc = 0;
    Py_XDECREF(a);
    Py_XDECREF(b);
    return rc;
}

/* The fold of the text's character at i (a code point of the BMP: the caller checked the kind). */
#define CHAR_AT(i) (kind == PyUnicode_1BYTE_KIND ? ((const uint8_t *)src)[i] : ((const uint16_t *)src)[i])
#define FOLD(c) (folds[c] ? folds[c] : (c))

/* The length of the run of folded characters with `flag` starting at i, counted up to MAX_INTERFERENCE + 1
 * (longer runs are never dropped). A character that expands ends a run: the caller returns None on it. */
static Py_ssize_t run_length(int kind, const void *src, Py_ssize_t i, Py_ssize_t n, const uint16_t *folds,
                             const uint8_t *cls, uint8_t flag) {
    Py_ssize_t j = i;
    while (j < n && j - i <= MAX_INTERFERENCE) {
        uint16_t c = CHAR_AT(j);
        if ((cls[c] & EXPAND) || !(cls[FOLD(c)] & flag))
            break;
        j++;
    }
    return j - i;
}

static PyObject *prepare16(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer folds_buf, classes_buf;
    if (!PyArg_ParseTuple(args, "Uy*y*", &text, &folds_buf, &classes_buf))
        return NULL;
    PyObject *result = NULL;
    PyObject *t_list = NULL, *s_list = NULL, *prepared = NULL, *data = NULL;
    if (folds_buf.len != 65536 * 2 || classes_buf.len != 65536) {
        PyErr_SetString(PyExc_ValueError, "prepare16: folds must be 131072 bytes and classes 65536");
        goto done;
    }
    const uint16_t *folds = (const uint16_t *)folds_buf.buf; /* native order: normalize._c_tables */
    const uint8_t *cls = (const uint8_t *)classes_buf.buf;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *src = PyUnicode_DATA(text);
    if (kind == PyUnicode_4BYTE_KIND) { /* beyond the BMP somewhere: the Python path */
        result = Py_NewRef(Py_None);
        goto done;
    }
    data = PyBytes_FromStringAndSize(NULL, 2 * n);
    t_list = PyList_New(0);
    s_list = PyList_New(0);
    if (!data || !t_list || !s_list || append_pair(t_list, s_list, 0, 0) < 0)
        goto done;
    uint16_t *out = (uint16_t *)PyBytes_AS_STRING(data);
    Py_ssize_t o = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        uint16_t raw = CHAR_AT(i);
        if (cls[raw] & EXPAND) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        uint16_t c = FOLD(raw);
        uint8_t here = cls[c];
        /* as the regex: the character before is the folded text's (dropped or not), a run is tried longest
         * first and shorter on failure (丶 is noise and a Chinese character: it may end a run or follow it) */
        uint8_t prev = i > 0 && (here & NOISE) ? cls[FOLD(CHAR_AT(i - 1))] : 0;
        if (prev & WORD) {
            Py_ssize_t m = 0;
            Py_ssize_t len = run_length(kind, src, i, n, folds, cls, NOISE);
            for (Py_ssize_t k = len < MAX_INTERFERENCE ? len : MAX_INTERFERENCE; k >= 1 && !m; k--) {
                if (i + k >= n)
                    continue;
                uint8_t next = cls[FOLD(CHAR_AT(i + k))];
                if (((prev & CJK) && (next & WORD)) || ((prev & ALNUM) && (next & CJK)))
                    m = k;
            }
            if (!m && (prev & ALNUM) && (here & STRICT)) {
                len = run_length(kind, src, i, n, folds, cls, STRICT);
                for (Py_ssize_t k = len < MAX_INTERFERENCE ? len : MAX_INTERFERENCE; k >= 1 && !m; k--)
                    if (i + k < n && (cls[FOLD(CHAR_AT(i + k))] & ALNUM))
                        m = k;
            }
            if (m) {
                i += m;
                if (append_pair(t_list, s_list, o, i) < 0)
                    goto done;
                continue;
            }
        }
        out[o++] = c;
        i++;
    }
#if PY_BIG_ENDIAN
    prepared = PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, out, o);
    for (Py_ssize_t k = 0; k < o; k++)
        out[k] = (uint16_t)((out[k] >> 8) | (out[k] << 8));
#else
    prepared = PyUnicode_FromKindAndData(PyUnicode_2BYTE_KIND, out, o);
#endif
    if (!prepared || _PyBytes_Resize(&data, 2 * o) < 0)
        goto done;
    result = PyTuple_Pack(4, prepared, data, t_list, s_list);
done:
    Py_XDECREF(prepared);
    Py_XDECREF(data);
    Py_XDECREF(t_list);
    Py_XDECREF(s_list);
    PyBuffer_Release(&folds_buf);
    PyBuffer_Release(&classes_buf);
    return result;
}

static PyMethodDef methods[] = {
    {"prepare16", prepare16, METH_VARARGS, "Fold and drop interference characters in one pass (see normalize.prepare)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_prepare", NULL, -1, methods};

PyMODINIT_FUNC PyInit__prepare(void) { return PyModule_Create(&module); }
