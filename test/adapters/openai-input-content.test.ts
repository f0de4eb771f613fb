import { describe, expect, test } from 'vitest';
import {
  answerRetryText,
  convertDocument,
  type DocumentShapes,
  imageUrl,
  toolRetryText,
  toolReturnText,
} from '../../src/adapters/openai-input-content.ts';

// A shape that records which form was chosen and with what, so each branch can be seen.
const record: DocumentShapes<unknown> = {
  text: (text) => ({ text }),
  file: (filename, fileData) => ({ filename, fileData }),
  url: (url) => ({ url }),
};
const bytes = (text: string) => new TextEncoder().encode(text);

describe('OpenAI input content', () => {
  test('a text-like document goes inline, named; other bytes become a named data-URL file', () => {
    const yaml = {
      kind: 'document' as const,
      data: bytes('a: 1'),
      mediaType: 'application/yaml',
      name: 'c.yaml',
    };
    expect(convertDocument(yaml, record)).toEqual({
      text: '<document name="c.yaml" type="application/yaml">\na: 1\n</document>',
    });
    const pdf = { kind: 'document' as const, data: bytes('%PDF'), mediaType: 'application/pdf' };
    expect(convertDocument(pdf, record)).toEqual({
      filename: 'document.pdf',
      fileData: 'data:application/pdf;base64,JVBERg==',
    });
  });

  test('a data: URL is a file named from its media type; any other URL is the protocol’s url form', () => {
    const dataUrl = { kind: 'document' as const, url: 'data:application/pdf;base64,JVBERg==' };
    expect(convertDocument(dataUrl, record)).toEqual({ filename: 'document.pdf', fileData: dataUrl.url });
    const link = { kind: 'document' as const, url: 'https://example.com/a.pdf' };
    expect(convertDocument(link, record)).toEqual({ url: link.url });
  });

  test('tool results, retries and images read the same for both protocols', () => {
    const result = {
      partKind: 'tool-return' as const,
      toolName: 'add',
      toolCallId: 'c1',
      content: { sum: 3 },
    };
    expect(toolReturnText(result)).toBe('{"sum":3}');
    const retry = {
      partKind: 'retry-prompt' as const,
      toolName: 'add',
      toolCallId: 'c1',
      content: 'bad args',
    };
    expect(toolRetryText(retry)).toBe(
      'The tool call to add failed: bad args\n\nCorrect the call and try again.',
    );
    expect(answerRetryText(retry)).toBe('bad args\n\nCorrect your answer and try again.');
    expect(imageUrl({ kind: 'image', data: bytes('hi'), mediaType: 'image/png' })).toBe(
      'data:image/png;base64,aGk=',
    );
  });
});
