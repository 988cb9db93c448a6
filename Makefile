# tug - build, test, bench, demo, screenshots.
PREFIX ?= /usr/local
PKGS := ncursesw jansson libcurl yaml-0.1 libarchive libseccomp libcrypto
SANITIZE ?= 0

CC ?= cc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# Start-up time is our headline (tug run must beat runc): the small
# libraries are linked statically into a non-PIE binary, so the loader has
# neither libraries to map nor relocations to apply. libcurl and libarchive
# (dozens of dependent libraries) and libcrypto (whose initialiser probes
# the CPU at every start) are loaded on first use by
# backend/util/lazy-*.c instead of at every start. libc's symbols are bound
# at exec (-z now): lazily, the monitor and the container's init, forks of
# the CLI, would each resolve them again and fault on the copied GOT.
STATIC_LIBS := -ljansson -lyaml -lseccomp -lncursesw -ltinfo
PKG_LIBS := -Wl,-Bstatic $(STATIC_LIBS) -Wl,-Bdynamic -ldl
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-format-truncation -D_GNU_SOURCE -Ibackend -Itui -I. $(PKG_CFLAGS) \
	-DTUG_DATADIR='"$(PREFIX)/share/tug"'
LDLIBS += $(PKG_LIBS) -lpthread -lutil
LDFLAGS += -no-pie -Wl,--as-needed -Wl,-O1 -Wl,-z,now

ifeq ($(SANITIZE),1)
BUILD := build-san
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
BIN := tug-san
else
BUILD := build
BIN := tug
endif

SRCS := $(wildcard backend/*.c backend/*/*.c tui/*.c)
LIB_SRCS := $(filter-out tui/main.c,$(SRCS))
OBJS := $(SRCS:%.c=$(BUILD)/%.o)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(wildcard tests/unit/test-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(wildcard tests/bench/*.c))

.PHONY: all deps test unit bench demo demo-clean screenshots install clean fuzz

all: $(BIN)

# rename, not overwrite: container monitors are forks of a running tug,
# and writing over a busy binary fails ("Text file busy")
$(BIN): $(BUILD)/tug
	cp $< $@.tmp && mv -f $@.tmp $@

$(BUILD)/tug: $(OBJS) Makefile
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

$(BUILD)/libtug.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC $<"
	@$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libtug.a tests/unit/t.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libtug.a $(LDFLAGS) $(LDLIBS)

unit: $(UNIT_BINS)

# bench helpers: a spawn-to-reap timer and probes of library costs
$(BUILD)/bench/%: tests/bench/%.c tests/bench/bench.h $(BUILD)/libtug.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libtug.a $(LDFLAGS) $(LDLIBS)

deps:
	bash .ci/deps

test: $(BIN) $(UNIT_BINS)
	TUG=$(CURDIR)/$(BIN) BUILD=$(CURDIR)/$(BUILD) bash tests/run.sh $(TESTS)

bench: tug $(BENCH_BINS)
	TUG=$(CURDIR)/tug BUILD=$(CURDIR)/$(BUILD) bash tests/bench.sh

demo: tug
	bash tests/demo.sh

demo-clean: tug
	bash tests/demo.sh clean

screenshots: tug
	bash tests/screenshots.sh

install: tug
	install -D -m 0755 tug $(DESTDIR)$(PREFIX)/bin/tug
	install -d $(DESTDIR)$(PREFIX)/share/tug/themes
	install -m 0644 themes/*.yaml $(DESTDIR)$(PREFIX)/share/tug/themes/

clean:
	rm -rf build build-san tug tug-san

-include $(OBJS:.o=.d)

