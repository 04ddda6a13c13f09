/**
 * The word lists fakes are picked from. Pinned: a fake is an index into these lists, so
 * reordering, adding or removing a word changes the staging data of every customer. Only append
 * a new list; a test fixes known fakes so a change here cannot slip through. Names are plain
 * ASCII letters so that they can form email addresses as they are.
 */
// prettier-ignore
export const fakeWords = {
  givenNames: [
    'Alma', 'Bram', 'Cato', 'Daan', 'Eline', 'Femke', 'Guus', 'Hanna',
    'Ilse', 'Joris', 'Kees', 'Lotte', 'Maud', 'Niels', 'Olaf', 'Pien',
    'Quinten', 'Roos', 'Sem', 'Tess', 'Ugo', 'Vera', 'Wout', 'Yara',
    'Amir', 'Bea', 'Carmen', 'Dmitri', 'Elif', 'Farah', 'Goran', 'Hiro',
    'Ines', 'Jonas', 'Kenji', 'Leila', 'Mateo', 'Nadia', 'Omar', 'Priya',
    'Rafael', 'Sanne', 'Tomas', 'Una', 'Vikram', 'Wen', 'Yusuf', 'Zara',
    'Aiko', 'Bruno', 'Chiara', 'Dario', 'Emil', 'Freya', 'Gael', 'Hugo',
    'Iris', 'Jana', 'Kofi', 'Lena', 'Milan', 'Noor', 'Oskar', 'Paula',
  ],
  familyNames: [
    'Jansen', 'Bakker', 'Visser', 'Smit', 'Meijer', 'Mulder', 'Bos', 'Vos',
    'Peters', 'Hendriks', 'Dekker', 'Brouwer', 'Dijkstra', 'Kok', 'Jacobs', 'Vermeulen',
    'Schouten', 'Willems', 'Hoekstra', 'Koster', 'Prins', 'Blom', 'Huisman', 'Kuipers',
    'Veenstra', 'Kramer', 'Postma', 'Maas', 'Verhoeven', 'Molenaar', 'Gerritsen', 'Evers',
    'Wolters', 'Okafor', 'Nakamura', 'Rossi', 'Novak', 'Kowalski', 'Haddad', 'Silva',
    'Moreau', 'Lindqvist', 'Fischer', 'Horvat', 'Petrov', 'Yilmaz', 'Tanaka', 'Murphy',
    'Walsh', 'Ortega', 'Larsen', 'Nieminen', 'Costa', 'Ferrari', 'Dubois', 'Keller',
    'Brandt', 'Sato', 'Mensah', 'Andersen', 'Popescu', 'Varga', 'Quist', 'Ruiz',
  ],
  streets: [
    'Lindenlaan', 'Beukenweg', 'Kastanjelaan', 'Eikenstraat', 'Populierenweg', 'Wilgenhof',
    'Meidoornstraat', 'Vlierstraat', 'Hazelaarlaan', 'Esdoornweg', 'Orchard Road', 'Meadow Lane',
    'Mill Street', 'Station Road', 'Willow Way', 'Elm Grove', 'Harbour View', 'Chestnut Close',
    'Rowan Drive', 'Larch Avenue', 'Rue des Tilleuls', 'Rue du Moulin', 'Chemin des Vignes',
    'Lindenstrasse', 'Ahornweg', 'Birkenallee', 'Via dei Pini', 'Calle del Olmo',
    'Heideweg', 'Dorpsstraat', 'Kerkpad', 'Molenwerf',
  ],
  towns: [
    'Alderholm', 'Birchmoor', 'Cedarwick', 'Dunhaven', 'Elmstead', 'Fernbury', 'Glenmarsh',
    'Hollowmere', 'Juniper Falls', 'Kestrelton', 'Larkspur', 'Millbrook', 'Nettlefield',
    'Oakhollow', 'Pebblecombe', 'Ravensholt', 'Sandmere', 'Thornwick', 'Umberdale',
    'Violetbury', 'Willowmere', 'Yarrowfield', 'Amberhaven', 'Bramblewick', 'Copperfold',
    'Emberly', 'Goldmoor', 'Heatherton', 'Lindenhaven', 'Mistledale', 'Zonnedal', 'Meerhoven',
  ],
  lorem: [
    'lorem', 'ipsum', 'dolor', 'sit', 'amet', 'consectetur', 'adipiscing', 'elit',
    'sed', 'do', 'eiusmod', 'tempor', 'incididunt', 'ut', 'labore', 'et',
    'dolore', 'magna', 'aliqua', 'enim', 'ad', 'minim', 'veniam', 'quis',
    'nostrud', 'exercitation', 'ullamco', 'laboris', 'nisi', 'aliquip', 'ex', 'ea',
  ],
} as const satisfies Readonly<Record<string, readonly string[]>>;
