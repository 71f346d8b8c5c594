"""Go's tree building: node allocation, size and nesting limits, the parse stack."""

from __future__ import annotations

from collections.abc import Callable

from foreign_explorer.core.goregex.errors import _Limit
from foreign_explorer.core.goregex.spelling import _literal_text
from foreign_explorer.core.goregex.syntax import (
    _ALTERNATE,
    _CAPTURE,
    _CHAR_CLASS,
    _CONCAT,
    _EMPTY,
    _FOLD,
    _LITERAL,
    _MAX_HEIGHT,
    _MAX_RUNES,
    _MAX_SIZE,
    _NO_MATCH,
    _PLUS,
    _PSEUDO,
    _QUEST,
    _REPEAT,
    _STAR,
    _VERTICAL_BAR,
    _clean_alt,
    _equal,
    _is_char_class,
    _leading_regexp,
    _leading_string,
    _merge_char_class,
    _min_fold,
    _Node,
    _orbit,
    _simple_fold,
)

# The RE2 spelling of each ASCII literal outside (?i).
_PLAIN = [_literal_text(r) for r in range(0x80)]


class _TreeBuilder:
    """The tree half of the parser; its state is set up by _Parser.__init__."""

    # -- node allocation and limits ---------------------------------------------------------

    def _new(self, op: int) -> _Node:
        if self.free:
            re = self.free.pop()
            re.reset()
        else:
            re = _Node()
            self.num_regexp += 1
        re.op = op
        return re

    def _reuse(self, re: _Node) -> None:
        if self.height is not None:
            self.height.pop(re, None)
        self.free.append(re)

    def _check_limits(self, re: _Node) -> None:
        if self.limits:
            if self.num_runes > _MAX_RUNES:
                raise _Limit("size")
            self._check_size(re)
        self._check_height(re)

    def _check_size(self, re: _Node) -> None:
        if self.size is None:
            if self.repeats == 0:
                self.repeats = 1
            if re.op == _REPEAT:
                n = re.max
                if n == -1:
                    n = re.min
                if n <= 0:
                    n = 1
                if n > _MAX_SIZE // self.repeats:
                    self.repeats = _MAX_SIZE
                else:
                    self.repeats *= n
            if self.num_regexp < _MAX_SIZE // self.repeats:
                return
            self.size = {}
            for item in list(self.stack):
                self._check_size(item)
        if self._calc_size(re) > _MAX_SIZE:
            raise _Limit("size")

    def _calc_size(self, top: _Node) -> int:
        """Go's calcSize(top, force=true): children come from the (possibly stale) cache."""
        assert self.size is not None
        return _fill_bottom_up(top, self.size, lambda n, c: max(1, self._node_size(n, c)))

    @staticmethod
    def _node_size(re: _Node, cache: dict[_Node, int]) -> int:
        op = re.op
        if op == _LITERAL:
            return len(re.runes)
        if op in (_CAPTURE, _STAR):
            return 2 + cache[re.subs[0]]
        if op in (_PLUS, _QUEST):
            return 1 + cache[re.subs[0]]
        if op == _CONCAT:
            return sum(cache[sub] for sub in re.subs)
        if op == _ALTERNATE:
            total = sum(cache[sub] for sub in re.subs)
            return total + len(re.subs) - 1 if len(re.subs) > 1 else total
        if op == _REPEAT:
            sub = cache[re.subs[0]]
            if re.max == -1:
                return 2 + sub if re.min == 0 else 1 + re.min * sub
            return re.max * sub + (re.max - re.min)
        return 0

    def _check_height(self, re: _Node) -> None:
        if self.num_regexp < _MAX_HEIGHT:
            return
        if self.height is None:
            self.height = {}
            for item in list(self.stack):
                self._check_height(item)
        if self._calc_height(re) > _MAX_HEIGHT:
            raise _Limit("nesting")

    def _calc_height(self, top: _Node) -> int:
        cache = self.height
        assert cache is not None
        # The usual case, a literal or a node whose children are known: no walk needed.
        height = 1
        for sub in top.subs:
            known = cache.get(sub)
            if known is None:
                return _fill_bottom_up(
                    top, cache, lambda n, c: 1 + max((c[sub] for sub in n.subs), default=0)
                )
            if known >= height:
                height = known + 1
        cache[top] = height
        return height

    def _push(self, re: _Node) -> _Node | None:
        self.num_runes += len(re.runes)
        runes = re.runes
        if re.op == _CHAR_CLASS and len(runes) == 2 and runes[0] == runes[1]:
            if self._maybe_concat(runes[0], self.flags & ~_FOLD):
                return None
            re.op = _LITERAL
            re.runes = runes[:1]
            re.flags = self.flags & ~_FOLD
        elif re.op == _CHAR_CLASS and (
            (
                len(runes) == 4
                and runes[0] == runes[1]
                and runes[2] == runes[3]
                and _simple_fold(runes[0], self.fold) == runes[2]
                and _simple_fold(runes[2], self.fold) == runes[0]
            )
            or (
                len(runes) == 2
                and runes[0] + 1 == runes[1]
                and _simple_fold(runes[0], self.fold) == runes[1]
                and _simple_fold(runes[1], self.fold) == runes[0]
            )
        ):
            if self._maybe_concat(runes[0], self.flags | _FOLD):
                return None
            re.op = _LITERAL
            re.runes = runes[:1]
            re.flags = self.flags | _FOLD
        else:
            self._maybe_concat(-1, 0)
        self.stack.append(re)
        self._check_limits(re)
        return re

    def _maybe_concat(self, r: int, flags: int) -> bool:
        if len(self.stack) < 2:
            return False
        re1, re2 = self.stack[-1], self.stack[-2]
        if re1.op != _LITERAL or re2.op != _LITERAL or re1.flags & _FOLD != re2.flags & _FOLD:
            return False
        re2.runes.extend(re1.runes)
        if r >= 0:
            re1.runes = [r]
            re1.flags = flags
            return True
        self.stack.pop()
        self._reuse(re1)
        return False

    def _literal(self, r: int) -> None:
        """Go's literal(r): newRegexp, push (whose maybeConcat merges the two literals below),
        checkLimits; inlined, since every character of a pattern goes through it."""
        flags = self.flags
        free = self.free
        if free:
            re = free.pop()
            re.reset()
        else:
            re = _Node()
            self.num_regexp += 1
        re.op = _LITERAL
        re.flags = flags
        folded = flags & _FOLD
        re.runes = [_min_fold(r, self.fold) if folded else r]
        self.num_runes += 1
        stack = self.stack
        if len(stack) >= 2:
            re1, re2 = stack[-1], stack[-2]
            if re1.op == _LITERAL and re2.op == _LITERAL and re1.flags & _FOLD == re2.flags & _FOLD:
                re2.runes.extend(re1.runes)
                stack.pop()
                self._reuse(re1)
        stack.append(re)
        # checkLimits: a one-rune literal can only start the size or height bookkeeping.
        if self.limits:
            if self.num_runes > _MAX_RUNES:
                raise _Limit("size")
            if self.size is not None or self.num_regexp >= _MAX_SIZE // (self.repeats or 1):
                self._check_size(re)
        if self.num_regexp >= _MAX_HEIGHT:
            self._check_height(re)
        if folded:
            self.out.atom(_literal_text(r, _orbit(r, self.fold)))
        else:
            self.out.atom(_PLAIN[r] if r < 0x80 else _literal_text(r))

    def _op(self, op: int) -> _Node | None:
        re = self._new(op)
        re.flags = self.flags
        return self._push(re)

    def _concat(self) -> None:
        self._maybe_concat(-1, 0)
        i = len(self.stack)
        while i > 0 and self.stack[i - 1].op < _PSEUDO:
            i -= 1
        subs = self.stack[i:]
        del self.stack[i:]
        if not subs:
            self._push(self._new(_EMPTY))
        else:
            self._push(self._collapse(subs, _CONCAT))

    def _alternate(self) -> None:
        i = len(self.stack)
        while i > 0 and self.stack[i - 1].op < _PSEUDO:
            i -= 1
        subs = self.stack[i:]
        del self.stack[i:]
        if subs:
            _clean_alt(subs[-1])
        if not subs:
            self._push(self._new(_NO_MATCH))
        else:
            self._push(self._collapse(subs, _ALTERNATE))

    def _collapse(self, subs: list[_Node], op: int) -> _Node:
        if len(subs) == 1:
            return subs[0]
        re = self._new(op)
        children: list[_Node] = []
        for sub in subs:
            if sub.op == op:
                children.extend(sub.subs)
                self._reuse(sub)
            else:
                children.append(sub)
        re.subs = children
        if op == _ALTERNATE:
            re.subs = self._factor(re.subs)
            if len(re.subs) == 1:
                old = re
                re = re.subs[0]
                self._reuse(old)
        return re

    def _factor(self, sub: list[_Node]) -> list[_Node]:
        if len(sub) < 2:
            return sub
        sub = self._factor_strings(sub)
        sub = self._factor_leading(sub)
        sub = self._factor_classes(sub)
        # Round 4: runs of empty matches become one.
        return [
            re
            for i, re in enumerate(sub)
            if not (i + 1 < len(sub) and re.op == _EMPTY and sub[i + 1].op == _EMPTY)
        ]

    def _factor_strings(self, sub: list[_Node]) -> list[_Node]:
        """Round 1: common literal prefixes, abc|abd -> ab(c|d)."""
        out: list[_Node] = []
        prefix: list[int] = []
        prefix_flags = 0
        start = 0
        for i in range(len(sub) + 1):
            istr: list[int] = []
            iflags = 0
            if i < len(sub):
                istr, iflags = _leading_string(sub[i])
                if iflags == prefix_flags:
                    same = 0
                    while same < len(prefix) and same < len(istr) and prefix[same] == istr[same]:
                        same += 1
                    if same > 0:
                        prefix = prefix[:same]
                        continue
            if i == start + 1:
                out.append(sub[start])
            elif i > start + 1:
                head = self._new(_LITERAL)
                head.flags = prefix_flags
                head.runes = list(prefix)
                for j in range(start, i):
                    sub[j] = self._remove_leading_string(sub[j], len(prefix))
                    self._check_limits(sub[j])
                suffix = self._collapse(sub[start:i], _ALTERNATE)
                re = self._new(_CONCAT)
                re.subs = [head, suffix]
                out.append(re)
            start = i
            prefix = list(istr)
            prefix_flags = iflags
        return out

    def _factor_leading(self, sub: list[_Node]) -> list[_Node]:
        """Round 2: a common leading class (or fixed repeat of one), [ab]c|[ab]d."""
        out: list[_Node] = []
        first: _Node | None = None
        start = 0
        for i in range(len(sub) + 1):
            ifirst: _Node | None = None
            if i < len(sub):
                ifirst = _leading_regexp(sub[i])
                if (
                    first is not None
                    and _equal(first, ifirst)
                    and (
                        _is_char_class(first)
                        or (
                            first.op == _REPEAT
                            and first.min == first.max
                            and _is_char_class(first.subs[0])
                        )
                    )
                ):
                    continue
            if i == start + 1:
                out.append(sub[start])
            elif i > start + 1:
                assert first is not None
                head = first
                for j in range(start, i):
                    sub[j] = self._remove_leading_regexp(sub[j], reuse=j != start)
                    self._check_limits(sub[j])
                suffix = self._collapse(sub[start:i], _ALTERNATE)
                re = self._new(_CONCAT)
                re.subs = [head, suffix]
                out.append(re)
            start = i
            first = ifirst
        return out

    def _factor_classes(self, sub: list[_Node]) -> list[_Node]:
        """Round 3: runs of single characters and classes merge into one class."""
        out: list[_Node] = []
        start = 0
        for i in range(len(sub) + 1):
            if i < len(sub) and _is_char_class(sub[i]):
                continue
            if i == start + 1:
                out.append(sub[start])
            elif i > start + 1:
                best = start
                for j in range(start + 1, i):
                    if sub[best].op < sub[j].op or (
                        sub[best].op == sub[j].op and len(sub[best].runes) < len(sub[j].runes)
                    ):
                        best = j
                sub[start], sub[best] = sub[best], sub[start]
                for j in range(start + 1, i):
                    _merge_char_class(sub[start], sub[j], self.fold)
                    self._reuse(sub[j])
                _clean_alt(sub[start])
                out.append(sub[start])
            if i < len(sub):
                out.append(sub[i])
            start = i + 1
        return out

    def _remove_leading_string(self, re: _Node, n: int) -> _Node:
        if re.op == _CONCAT and re.subs:
            sub = self._remove_leading_string(re.subs[0], n)
            re.subs[0] = sub
            if sub.op == _EMPTY:
                self._reuse(sub)
                if len(re.subs) <= 1:
                    re.op = _EMPTY
                    re.subs = []
                elif len(re.subs) == 2:
                    old = re
                    re = re.subs[1]
                    self._reuse(old)
                else:
                    del re.subs[0]
            return re
        if re.op == _LITERAL:
            re.runes = re.runes[n:]
            if not re.runes:
                re.op = _EMPTY
        return re

    def _remove_leading_regexp(self, re: _Node, reuse: bool) -> _Node:
        if re.op == _CONCAT and re.subs:
            if reuse:
                self._reuse(re.subs[0])
            del re.subs[0]
            if not re.subs:
                re.op = _EMPTY
            elif len(re.subs) == 1:
                old = re
                re = re.subs[0]
                self._reuse(old)
            return re
        if reuse:
            self._reuse(re)
        return self._new(_EMPTY)

    def _swap_vertical_bar(self) -> bool:
        stack = self.stack
        n = len(stack)
        if (
            n >= 3
            and stack[n - 2].op == _VERTICAL_BAR
            and _is_char_class(stack[n - 1])
            and _is_char_class(stack[n - 3])
        ):
            re1, re3 = stack[n - 1], stack[n - 3]
            if re1.op > re3.op:
                re1, re3 = re3, re1
                stack[n - 3] = re3
            _merge_char_class(re3, re1, self.fold)
            self._reuse(re1)
            stack.pop()
            return True
        if n >= 2 and stack[n - 2].op == _VERTICAL_BAR:
            if n >= 3:
                _clean_alt(stack[n - 3])
            stack[n - 2], stack[n - 1] = stack[n - 1], stack[n - 2]
            return True
        return False


def _fill_bottom_up(
    top: _Node, cache: dict[_Node, int], value: Callable[[_Node, dict[_Node, int]], int]
) -> int:
    """`value` of `top`, computing children first; cached nodes (but top) are not redone."""
    order: list[_Node] = []
    work = [top]
    seen: set[int] = set()
    while work:
        node = work.pop()
        order.append(node)
        for sub in node.subs:
            if sub not in cache and id(sub) not in seen:
                seen.add(id(sub))
                work.append(sub)
    for node in reversed(order):
        if node is not top and node in cache:
            continue
        cache[node] = value(node, cache)
    return cache[top]
