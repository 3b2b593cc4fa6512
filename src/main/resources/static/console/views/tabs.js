// The heading and tabs every page of one topic shares.
import { seg } from '../api.js';
import { h } from '../dom.js';

const TABS = [['topic', 'Partitions & settings', ''], ['messages', 'Messages', '/messages'],
  ['produce', 'Produce', '/produce'], ['live', 'Live tail', '/live']];

export function topicHeader(container, topic, active) {
  container.append(
    h('p', { class: 'note' }, h('a', { href: '#/topics' }, 'Topics'), ' / '),
    h('h1', {}, topic),
    h('nav', { 'aria-label': 'Topic' }, h('ul', { class: 'tabs' }, TABS.map(([id, label, path]) => h('li', {},
      h('a', { href: `#/topics/${seg(topic)}${path}`, 'aria-current': id === active ? 'page' : null }, label))))));
}
